/**
 * Types for dingtalk-robot-sender@1.2.0 (the package ships none), from reading lib/bot.js.
 *
 * The constructor takes ONE options object: `new ChatBot({ webhook, secret, httpclient })`.
 * Extra positional arguments are ignored, so `new ChatBot({ webhook }, secret, httpclient)` would
 * silently send unsigned requests through the package's own axios.
 */
declare module 'dingtalk-robot-sender' {
  interface ChatBotHttpClient {
    request(
      url: string,
      config: { method: string; headers: Record<string, string>; data: string },
    ): Promise<unknown>;
  }

  interface ChatBotOptions {
    /** Full webhook URL including `?access_token=`; wins over baseUrl + accessToken. */
    webhook?: string;
    baseUrl?: string;
    accessToken?: string;
    /** The robot's signing secret (`SEC…`): adds `&timestamp=<ms>&sign=<…>` to the URL. */
    secret?: string;
    /** Defaults to the package's axios. */
    httpclient?: ChatBotHttpClient;
  }

  class ChatBot {
    constructor(options: ChatBotOptions);
    webhook: string;
    secret?: string;
    httpclient: ChatBotHttpClient;
    /** POSTs `JSON.stringify(content)` to the webhook (signed when a secret is set); resolves to the client's response. */
    send(content: object): Promise<unknown>;
    text(content: string, at?: object): Promise<unknown>;
    markdown(title: string, text: string, at?: object): Promise<unknown>;
    link(link: { title: string; text: string; messageUrl: string; picUrl?: string }): Promise<unknown>;
    actionCard(card: {
      title: string;
      text: string;
      btns?: Array<{ title: string; actionURL: string }>;
      btnOrientation?: string | number;
      hideAvatar?: string | number;
    }): Promise<unknown>;
    feedCard(links: Array<{ title: string; messageURL: string; picURL: string }>): Promise<unknown>;
  }

  export = ChatBot;
}
