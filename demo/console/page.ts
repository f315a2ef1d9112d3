import { escapeHtml } from './render-mrkdwn';

/**
 * The console page: scenarios and cloud activity on the left, the Slack channel in the middle,
 * the DingTalk group on the right. Messages arrive rendered (server side, from the bot's real
 * Block Kit and robot payloads); the script keeps them in sync by polling, shows confirm dialogs
 * and modals, and sends clicks, slash commands and @-mentions back to the console server.
 */

export interface PageOptions {
  users: Array<{ id: string; title: string }>;
  channel: { name: string };
  scenarios: Array<{ id: string; title: string; summary: string }>;
  dingtalkStaff: string;
}

export function renderConsolePage(opts: PageOptions): string {
  const users = opts.users
    .map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.title)}</option>`)
    .join('');
  const scenarios = opts.scenarios
    .map(
      (s) =>
        `<li class="scenario"><div class="scenario-title">${escapeHtml(s.title)}</div><p>${escapeHtml(s.summary)}</p>` +
        `<button type="button" class="run" data-scenario="${escapeHtml(s.id)}" aria-label="Run scenario: ${escapeHtml(s.title)}">▶ Run</button></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>secrets-bot demo console</title>
<style>${CSS}</style></head>
<body>
<header class="top"><span class="logo">🔐 secrets-bot</span><span class="top-note">local demo · every chat and cloud here is a stand-in on this machine</span>
<label class="who">You are <select id="who" aria-label="You are">${users}</select></label></header>
<div class="cols">
<aside class="side">
  <h2>Scenarios</h2><ul class="scenarios">${scenarios}</ul>
  <h2>Cloud activity</h2><ol id="activity" class="activity" aria-label="Cloud activity"></ol>
</aside>
<main class="slack" aria-label="Slack">
  <div class="chan-head"><b>#${escapeHtml(opts.channel.name)}</b><span>Slack · alerts from secrets-bot</span></div>
  <div id="feed" class="feed" aria-live="polite"><div class="empty">No messages yet. Run a scenario on the left, or type <code>/secrets help</code> below.</div></div>
  <form id="composer-form" class="composer"><input id="composer" autocomplete="off" aria-label="Message #${escapeHtml(opts.channel.name)}" placeholder="Message #${escapeHtml(
    opts.channel.name,
  )} — try /secrets status"><button type="submit">Send</button></form>
</main>
<section class="dingtalk" aria-label="DingTalk">
  <div class="dt-chan-head"><b>SecOps group</b><span>DingTalk · robot cards</span></div>
  <div id="dt-feed" class="dt-feed"><div class="empty">Robot cards appear here. Their buttons open the bot's real action pages.</div></div>
  <form id="dt-form" class="composer dt-composer"><span class="at">@secrets-bot</span><input id="dt-input" autocomplete="off" aria-label="Message the DingTalk robot" placeholder="status, help, history &lt;secret&gt; … as ${escapeHtml(
    opts.dingtalkStaff,
  )}"><button type="submit">Send</button></form>
</section>
</div>
<div id="confirm" class="overlay" role="dialog" aria-modal="true" aria-labelledby="confirm-title" hidden>
  <div class="dialog"><h3 id="confirm-title"></h3><div id="confirm-text" class="dialog-body"></div>
  <div class="dialog-buttons"><button type="button" id="confirm-deny" class="sk-btn"></button><button type="button" id="confirm-ok" class="sk-btn primary"></button></div></div>
</div>
<div id="modal" class="overlay" role="dialog" aria-modal="true" aria-labelledby="modal-title" hidden>
  <form class="dialog" id="modal-form"><h3 id="modal-title"></h3><div id="modal-body" class="dialog-body"></div>
  <div class="dialog-buttons"><button type="button" id="modal-close" class="sk-btn"></button><button type="submit" id="modal-submit" class="sk-btn primary"></button></div></form>
</div>
<script>${SCRIPT}</script>
</body></html>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.46 -apple-system,"Segoe UI",Lato,"Noto Sans",Helvetica,Arial,sans-serif;color:#1d1c1d;background:#f4f4f5;height:100vh;overflow:hidden;display:flex;flex-direction:column}
.top{display:flex;align-items:center;gap:16px;padding:8px 16px;background:#350d36;color:#fff}
.logo{font-weight:800}.top-note{opacity:.75;font-size:13px;flex:1}.who select{margin-left:6px}
.cols{flex:1;display:grid;grid-template-columns:300px 1fr 380px;grid-template-rows:minmax(0,1fr);min-height:0}
.side{background:#3f0e40;color:#e8dbe9;overflow:auto;padding:8px 14px}
.side h2{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:#cfc3cf;margin:14px 0 6px}
.scenarios{list-style:none;margin:0;padding:0}
.scenario{background:#4d1a4e;border-radius:8px;padding:8px 10px;margin-bottom:8px}
.scenario-title{font-weight:700;color:#fff}.scenario p{margin:4px 0 6px;font-size:12.5px;line-height:1.4}
.run{background:#2eb67d;color:#fff;border:0;border-radius:4px;padding:3px 10px;font-weight:700;cursor:pointer}
.run[disabled]{background:#777;cursor:progress}
.activity{list-style:none;margin:0;padding:0;font:12px/1.4 Menlo,Consolas,monospace}
.activity li{padding:2px 0;border-bottom:1px solid #5a2a5b;word-break:break-word}
.activity .src{display:inline-block;min-width:58px;color:#b9a5ba}.activity .ok{color:#8fe3b8}.activity .error{color:#ffb0b0}
.slack{display:flex;flex-direction:column;background:#fff;min-width:0}
.chan-head,.dt-chan-head{padding:10px 16px;border-bottom:1px solid #ddd;display:flex;gap:10px;align-items:baseline}
.chan-head span,.dt-chan-head span{color:#616061;font-size:13px}
.feed,.dt-feed{flex:1;overflow:auto;padding:8px 0}
.empty{color:#868686;padding:24px;text-align:center}
.msg{display:flex;gap:8px;padding:8px 16px;border-left:4px solid transparent}
.msg:hover{background:#f8f8f8}
.msg.resolved{border-left-color:#2eb67d;background:#f2fbf6}
.msg.ephemeral{background:#f6f3fb}
.msg.reply{padding:6px 0;background:transparent}
.avatar{flex:0 0 36px;height:36px;border-radius:6px;background:#1264a3;color:#fff;display:flex;align-items:center;justify-content:center;font-size:18px}
.avatar.slackbot{background:#e01e5a}
.msg.reply .avatar{flex-basis:24px;height:24px;font-size:13px}
.msg-content{min-width:0;flex:1}
.msg-head{display:flex;gap:6px;align-items:baseline}.msg-who{font-weight:900}
.app-badge{font-size:10px;background:#e8e8e8;color:#616061;border-radius:2px;padding:0 3px;font-weight:700}
.msg-time,.msg-edited{color:#616061;font-size:12px}
.msg-caption{font-size:12px;color:#616061}
.msg-ephemeral{font-size:12px;color:#616061;margin-top:4px}
.link-btn{background:none;border:0;color:#1264a3;cursor:pointer;padding:0;font-size:12px}
.thread{margin-top:6px;border-left:2px solid #ddd;padding-left:10px}
.thread summary{color:#1264a3;font-weight:700;font-size:13px;cursor:pointer}
.blk-header{font-size:18px;font-weight:900;margin:2px 0 6px}
.blk-section{display:flex;gap:12px;margin:4px 0}.blk-main{flex:1;min-width:0}
.blk-fields{display:grid;grid-template-columns:1fr 1fr;gap:6px 16px;margin-top:4px}
.blk-field{word-break:break-word}
.blk-context{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:12.5px;color:#616061;margin:4px 0}
.blk-actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 4px}
.blk-divider{border:0;border-top:1px solid #ddd}
.blk-unknown,.sk-unsupported{color:#868686;font-style:italic}
.blk-image img{max-width:360px;border-radius:4px}
.sk-btn{display:inline-block;border:1px solid #bbb;background:#fff;color:#1d1c1d;border-radius:4px;padding:3px 12px;font:700 14px/1.6 inherit;cursor:pointer;text-decoration:none}
.sk-btn:hover{background:#f6f6f6}
.sk-btn.primary{background:#007a5a;border-color:#007a5a;color:#fff}.sk-btn.primary:hover{background:#148567}
.sk-btn.danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.sk-btn.busy{opacity:.6;cursor:progress}
.mk-code{font:12px Menlo,Consolas,monospace;color:#e01e5a;background:#f6f6f6;border:1px solid #ddd;border-radius:3px;padding:0 3px}
.mk-pre{font:12px/1.5 Menlo,Consolas,monospace;background:#f8f8f8;border:1px solid #ddd;border-radius:4px;padding:8px;margin:4px 0;white-space:pre-wrap}
.mk-quote{border-left:4px solid #ddd;margin:2px 0;padding-left:10px}
.mk-mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
a{color:#1264a3}
.composer{display:flex;gap:8px;padding:10px 16px;border-top:1px solid #ddd}
.composer input{flex:1;font:inherit;padding:8px 10px;border:1px solid #bbb;border-radius:6px}
.composer button{background:#007a5a;color:#fff;border:0;border-radius:6px;padding:0 14px;font-weight:700;cursor:pointer}
.dingtalk{display:flex;flex-direction:column;background:#f2f3f5;border-left:1px solid #ddd;min-width:0}
.dt-chan-head{background:#fff}
.dt-msg{padding:6px 12px}
.dt-head{font-size:12px;color:#7a7a7a;display:flex;gap:6px;align-items:baseline;flex-wrap:wrap}.dt-who{font-weight:700;color:#3c3c3c}
.dt-title{color:#999}
.dt-card{background:#fff;border-radius:8px;box-shadow:0 1px 2px rgba(0,0,0,.08);margin-top:4px;overflow:hidden}
.dt-card.mine{background:#d6e8ff}
.dt-body{padding:10px 12px;font-size:14px;word-break:break-word}
.dt-h{font-weight:700;display:block;margin:2px 0 6px}.dt-h3{font-size:16px}.dt-h4{font-size:15px}
.dt-p{margin:0 0 8px}.dt-list{margin:0 0 8px;padding-left:20px}
.dt-quote{border-left:3px solid #ccc;margin:0 0 8px;padding-left:8px;color:#555}
.dt-btns{display:flex;border-top:1px solid #eee}.dt-btns.vertical{flex-direction:column}
.dt-btn{flex:1;text-align:center;padding:8px;color:#3296fa;text-decoration:none;border-right:1px solid #eee;border-bottom:1px solid #eee}
.dt-btn.disabled{color:#aaa}
.dt-composer .at{color:#3296fa;font-weight:700;align-self:center}
.dt-composer button{background:#3296fa}
.overlay{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:10}
.overlay[hidden]{display:none}
.dialog{background:#fff;border-radius:8px;width:min(520px,92vw);max-height:86vh;overflow:auto;padding:18px 22px;box-shadow:0 18px 48px rgba(0,0,0,.35)}
.dialog h3{margin:0 0 10px;font-size:20px}.dialog-body{margin-bottom:16px}
.dialog-buttons{display:flex;justify-content:flex-end;gap:8px}
.blk-input{margin:10px 0}.blk-label{font-weight:700;margin-bottom:4px}.optional{font-weight:400;color:#868686}
.blk-radios label{display:block;margin:2px 0}
.blk-textinput,.blk-select{width:100%;font:inherit;padding:6px 8px;border:1px solid #bbb;border-radius:4px}
.blk-error{color:#e01e5a;font-size:13px}
`;

/** The page's script: plain ES5-style code without template literals (it lives in one). */
const SCRIPT = String.raw`
(function () {
  var sig = '';
  var who = document.getElementById('who');
  var feed = document.getElementById('feed');
  var dtFeed = document.getElementById('dt-feed');
  var shown = { feed: {}, dt: {} };
  var modalShown = '';
  var modalErrors = '';
  var pendingConfirm = null;

  function post(path, body) {
    return fetch('/console/api/' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) })
      .then(function (r) { return r.status === 204 ? {} : r.json().catch(function () { return {}; }); })
      .then(function (res) { poll(true); return res; });
  }

  function sync(container, items, map) {
    var near = container.scrollHeight - container.scrollTop - container.clientHeight < 120;
    var seen = {};
    var prev = null;
    var empty = container.querySelector('.empty');
    if (empty && items.length) empty.remove();
    items.forEach(function (it) {
      seen[it.id] = true;
      var rec = map[it.id];
      if (!rec) {
        var el = document.createElement('div');
        el.className = 'item';
        el.setAttribute('data-id', it.id);
        el.innerHTML = it.html;
        rec = map[it.id] = { el: el, html: it.html, visibleTo: it.visibleTo || '' };
      } else if (rec.html !== it.html) {
        rec.el.innerHTML = it.html;
        rec.html = it.html;
      }
      rec.visibleTo = it.visibleTo || '';
      var want = prev ? prev.nextSibling : container.firstChild;
      if (want !== rec.el) container.insertBefore(rec.el, want);
      prev = rec.el;
    });
    Object.keys(map).forEach(function (id) { if (!seen[id]) { map[id].el.remove(); delete map[id]; } });
    applyVisibility();
    if (near) container.scrollTop = container.scrollHeight;
  }

  function applyVisibility() {
    Object.keys(shown.feed).forEach(function (id) {
      var rec = shown.feed[id];
      rec.el.hidden = !!rec.visibleTo && rec.visibleTo !== who.value;
    });
  }

  function renderActivity(entries) {
    var list = document.getElementById('activity');
    var near = list.parentNode.scrollHeight - list.parentNode.scrollTop - list.parentNode.clientHeight < 200;
    list.textContent = '';
    entries.forEach(function (e) {
      var li = document.createElement('li');
      var src = document.createElement('span');
      src.className = 'src';
      src.textContent = new Date(e.at).toISOString().slice(11, 19) + ' ' + e.source;
      var text = document.createElement('span');
      text.className = e.tone;
      text.textContent = ' ' + e.text;
      li.appendChild(src);
      li.appendChild(text);
      list.appendChild(li);
    });
    if (near) list.parentNode.scrollTop = list.parentNode.scrollHeight;
  }

  function renderModal(m) {
    var box = document.getElementById('modal');
    if (!m) { box.hidden = true; modalShown = ''; return; }
    if (modalShown !== m.id) {
      modalShown = m.id;
      modalErrors = '';
      document.getElementById('modal-title').textContent = m.title;
      document.getElementById('modal-body').innerHTML = m.html;
      document.getElementById('modal-submit').textContent = m.submit;
      document.getElementById('modal-close').textContent = m.close;
      box.hidden = false;
    }
    var errors = JSON.stringify(m.errors || {});
    if (errors !== modalErrors) {
      modalErrors = errors;
      box.querySelectorAll('[data-error-for]').forEach(function (el) {
        el.textContent = (m.errors || {})[el.getAttribute('data-error-for')] || '';
      });
    }
  }

  function modalValues() {
    var values = {};
    document.querySelectorAll('#modal-body [data-input]').forEach(function (el) {
      var block = el.getAttribute('data-block-id');
      var action = el.getAttribute('data-action-id');
      var type = el.getAttribute('data-input');
      var v = { type: type };
      if (type === 'radio_buttons') {
        var picked = el.querySelector('input:checked');
        v.selected_option = picked ? { text: { type: 'plain_text', text: picked.getAttribute('data-text') }, value: picked.value } : null;
      } else if (type === 'static_select') {
        v.selected_option = el.value ? { text: { type: 'plain_text', text: el.options[el.selectedIndex].text }, value: el.value } : null;
      } else {
        v.value = el.value === '' ? null : el.value;
      }
      values[block] = values[block] || {};
      values[block][action] = v;
    });
    return values;
  }

  var polling = false;
  function poll(now) {
    if (polling && !now) return;
    polling = true;
    fetch('/console/api/state?since=' + encodeURIComponent(sig))
      .then(function (r) { return r.status === 200 ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        sig = s.sig;
        sync(feed, s.feed, shown.feed);
        sync(dtFeed, s.dingtalk, shown.dt);
        renderActivity(s.activity);
        renderModal(s.modal);
        document.querySelectorAll('[data-scenario]').forEach(function (b) {
          b.disabled = s.running.indexOf(b.getAttribute('data-scenario')) >= 0;
          b.textContent = b.disabled ? 'Running…' : '▶ Run';
        });
      })
      .catch(function () { /* the demo is stopping */ })
      .then(function () { polling = false; });
  }
  setInterval(poll, 400);
  poll();

  function click(button) {
    var msg = button.closest('[data-msg-key]');
    button.classList.add('busy');
    post('slack/click', {
      user: who.value,
      messageKey: msg ? msg.getAttribute('data-msg-key') : '',
      actionId: button.getAttribute('data-action-id'),
      blockId: button.getAttribute('data-block-id'),
      value: button.getAttribute('data-value'),
      label: button.getAttribute('data-label')
    }).then(function () { button.classList.remove('busy'); });
  }

  document.addEventListener('click', function (ev) {
    var t = ev.target;
    var action = t.closest && t.closest('button[data-action-id]');
    if (action && !action.closest('#modal')) {
      var confirm = action.getAttribute('data-confirm');
      if (confirm) {
        var c = JSON.parse(confirm);
        pendingConfirm = action;
        document.getElementById('confirm-title').textContent = c.title;
        document.getElementById('confirm-text').innerHTML = c.html;
        document.getElementById('confirm-ok').textContent = c.confirm;
        document.getElementById('confirm-ok').className = 'sk-btn ' + c.style;
        document.getElementById('confirm-deny').textContent = c.deny;
        document.getElementById('confirm').hidden = false;
      } else {
        click(action);
      }
      return;
    }
    var dismiss = t.closest && t.closest('[data-dismiss]');
    if (dismiss) { post('slack/dismiss', { key: dismiss.getAttribute('data-dismiss') }); return; }
    var run = t.closest && t.closest('[data-scenario]');
    if (run) { run.disabled = true; post('scenarios/' + run.getAttribute('data-scenario')); }
  });

  document.getElementById('confirm-ok').addEventListener('click', function () {
    document.getElementById('confirm').hidden = true;
    if (pendingConfirm) click(pendingConfirm);
    pendingConfirm = null;
  });
  document.getElementById('confirm-deny').addEventListener('click', function () {
    document.getElementById('confirm').hidden = true;
    pendingConfirm = null;
  });
  document.getElementById('modal-close').addEventListener('click', function () {
    post('slack/view-close', { modalId: modalShown });
    document.getElementById('modal').hidden = true;
  });
  document.getElementById('modal-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    post('slack/view', { modalId: modalShown, values: modalValues() });
  });
  document.getElementById('composer-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = document.getElementById('composer');
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    post('slack/command', { user: who.value, text: text });
  });
  document.getElementById('dt-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var input = document.getElementById('dt-input');
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    post('dingtalk/mention', { text: text });
  });
  who.addEventListener('change', applyVisibility);
})();
`;
