/**
 * One redaction helper for everything that leaves the process (logs, chat, HTTP answers).
 * Removes the configured secrets verbatim, and token-shaped strings that look like credentials.
 */
const TOKEN_PATTERNS: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]{8,}/g, // Slack tokens
  /xapp-[A-Za-z0-9-]{8,}/g,
  /SEC[a-f0-9]{32,}/g, // DingTalk robot secrets
  /access_token=[^&\s"']+/g, // webhook URLs
  /AKIA[0-9A-Z]{16}/g, // AWS access key ids
  /LTAI[0-9A-Za-z]{12,}/g, // Alibaba access key ids
  /(Bearer\s+)[^\s"']+/gi,
  /([?&](?:token|sign|signature)=)[^&\s"']+/gi,
];

export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 6) out = out.split(s).join('[redacted]');
  }
  for (const re of TOKEN_PATTERNS) {
    out = out.replace(re, (m, p1?: string) => (typeof p1 === 'string' && m.startsWith(p1) ? `${p1}[redacted]` : '[redacted]'));
  }
  return out;
}
