/*
 * Complaint desk chat widget. One tag on any page:
 *   <script src="https://HOST/widget.js" data-lang="zh-CN" data-title="投诉与建议" data-color="#b03a2e" async></script>
 * adds a chat bubble that opens Microsoft's Web Chat (served by the same host) connected to the
 * host's own Direct Line endpoint. data-lang: zh-CN, zh-TW or en (default: the browser's);
 * data-title: the panel's title; data-color: the accent colour; data-position: right or left.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__complaintDeskWidget) return;
  window.__complaintDeskWidget = true;
  var base = new URL(script.src, location.href).origin;
  var d = script.dataset || {};
  var raw = (d.lang || navigator.language || 'zh-CN').toLowerCase();
  var locale = /^zh-(tw|hk|mo|hant)/.test(raw) ? 'zh-TW' : raw.indexOf('zh') === 0 ? 'zh-CN' : 'en-US';
  var texts = {
    'zh-CN': { title: '投诉与建议', open: '打开投诉窗口', close: '关闭', failed: '暂时无法连接，请稍后再试。' },
    'zh-TW': { title: '投訴與建議', open: '開啟投訴視窗', close: '關閉', failed: '暫時無法連線，請稍後再試。' },
    'en-US': { title: 'Complaints', open: 'Open the complaints chat', close: 'Close', failed: 'Cannot connect right now; please try again later.' },
  }[locale];
  var color = /^#[0-9a-fA-F]{3,8}$/.test(d.color || '') ? d.color : '#b03a2e';
  var side = d.position === 'left' ? 'left' : 'right';
  var title = d.title || texts.title;
  var storeKey = 'complaint-desk:' + base;

  var bubble = document.createElement('button');
  bubble.type = 'button';
  bubble.className = 'complaint-desk-bubble';
  bubble.setAttribute('aria-label', texts.open);
  bubble.setAttribute('aria-expanded', 'false');
  bubble.innerHTML = '<svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true"><path fill="#fff" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  css(bubble, { position: 'fixed', bottom: '20px', width: '60px', height: '60px', borderRadius: '50%', border: 'none', background: color, boxShadow: '0 4px 14px rgba(0,0,0,.25)', cursor: 'pointer', zIndex: 2147483000, display: 'flex', alignItems: 'center', justifyContent: 'center' });
  bubble.style[side] = '20px';

  var panel = document.createElement('div');
  panel.className = 'complaint-desk-panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', title);
  css(panel, { position: 'fixed', bottom: '92px', width: 'min(400px, calc(100vw - 40px))', height: 'min(600px, calc(100vh - 120px))', background: '#fff', borderRadius: '12px', boxShadow: '0 8px 30px rgba(0,0,0,.3)', zIndex: 2147483000, display: 'none', flexDirection: 'column', overflow: 'hidden', fontFamily: 'system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif' });
  panel.style[side] = '20px';
  var header = document.createElement('div');
  css(header, { background: color, color: '#fff', padding: '12px 16px', display: 'flex', justifyContent: 'space-between', alignItems: 'center', fontSize: '16px', fontWeight: '600' });
  var h = document.createElement('span');
  h.textContent = title;
  var close = document.createElement('button');
  close.type = 'button';
  close.textContent = '×';
  close.setAttribute('aria-label', texts.close);
  css(close, { background: 'transparent', border: 'none', color: '#fff', fontSize: '24px', cursor: 'pointer', lineHeight: '1' });
  header.appendChild(h);
  header.appendChild(close);
  var chat = document.createElement('div');
  chat.className = 'complaint-desk-webchat';
  css(chat, { flex: '1', minHeight: '0' });
  panel.appendChild(header);
  panel.appendChild(chat);

  var started = false;
  function toggle(open) {
    panel.style.display = open ? 'flex' : 'none';
    bubble.setAttribute('aria-expanded', String(open));
    if (open && !started) {
      started = true;
      start().catch(function () {
        chat.textContent = texts.failed;
        css(chat, { padding: '16px' });
        started = false;
      });
    }
  }
  bubble.addEventListener('click', function () {
    toggle(panel.style.display === 'none');
  });
  close.addEventListener('click', function () {
    toggle(false);
  });

  function start() {
    return loadScript(base + '/webchat/webchat.js').then(session).then(function (s) {
      var directLine = window.WebChat.createDirectLine({ domain: base + '/v3/directline', token: s.token, conversationId: s.conversationId, webSocket: true, conversationStartProperties: { locale: locale } });
      window.WebChat.renderWebChat(
        {
          directLine: directLine,
          locale: locale,
          styleOptions: { accent: color, bubbleBorderRadius: 8, bubbleFromUserBorderRadius: 8, bubbleFromUserBackground: '#fbeeee', botAvatarInitials: title.slice(0, 1), hideUploadButton: false, rootHeight: '100%' },
        },
        chat,
      );
    });
  }

  /** A token for this page's conversation: reused while it is valid, so a reload continues the chat. */
  function session() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(storeKey) || 'null');
      if (saved && saved.token && saved.expiresAt > Date.now() + 60000) return Promise.resolve(saved);
    } catch (e) {
      /* storage unavailable: start a new conversation */
    }
    return fetch(base + '/api/widget/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale: locale }) })
      .then(function (r) {
        if (!r.ok) throw new Error('token ' + r.status);
        return r.json();
      })
      .then(function (t) {
        var s = { token: t.token, conversationId: t.conversationId, expiresAt: Date.now() + t.expires_in * 1000 };
        try {
          sessionStorage.setItem(storeKey, JSON.stringify(s));
        } catch (e) {
          /* ignore */
        }
        return s;
      });
  }

  function loadScript(src) {
    if (window.WebChat) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = function () {
        resolve();
      };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function css(el, styles) {
    for (var k in styles) el.style[k] = styles[k];
  }

  function mount() {
    document.body.appendChild(panel);
    document.body.appendChild(bubble);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
