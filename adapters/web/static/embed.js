/*
 * Knee or back? on any website: one script tag adds a chat launcher in a bottom
 * corner that opens the chat panel.
 *
 *   <script src="https://BOT-HOST/chat/embed.js" defer></script>
 *
 * Optional attributes of that tag (docs/web.md):
 *   data-title="Ask about knee pain"   the panel's title (default "Knee or back?")
 *   data-accent="#00665e"              launcher and button colour (#rgb / #rrggbb;
 *                                      darkened until white text on it reads at 4.5:1)
 *   data-side="left"                   bottom left instead of bottom right
 *   data-open="true"                   open the panel on load (not below 480 px wide,
 *                                      where the panel covers the page)
 *   data-transport="websocket"         websocket only, no long-polling start
 *                                      (replicas without sticky sessions)
 *   data-token="<JWT>"                 when the bot requires SOCKETIO_JWT_KEY
 *   data-reserve-space="false"         do not add the launcher's height at the end
 *                                      of the page
 *   data-launcher="false"              no floating launcher: the site opens the chat
 *                                      from its own button (KneeChat.open())
 *
 * The only global is window.KneeChat: open(), close(), toggle(), isOpen(),
 * setToken(jwt). When the bot refuses the token, window gets the event
 * "kneechat:unauthorized".
 *
 * What it does to the page: one element, <knee-chat>, appended to <body>. Its
 * shadow root holds the launcher and the panel; the panel is an iframe of the
 * bot's /chat/frame (the same page as /chat), so neither side's CSS or scripts
 * reach the other. Nothing is loaded from anywhere but the bot, and nothing
 * before the launcher is used except one check: may this origin embed the chat
 * (the bot's RASA_CORS)? If not, no launcher, and a warning in the console.
 *
 * The conversation is kept by the frame in its own localStorage (browsers
 * partition it by this website, which keeps it across this website's pages and
 * reloads). If a browser blocks storage in third-party frames, the frame asks
 * this script to keep it in this website's sessionStorage instead (this tab
 * only). Whether the panel was open is kept there too, so it stays open on the
 * next page.
 */
(function () {
  'use strict';

  if (window.KneeChat) return;  // included twice

  var script = document.currentScript;
  if (!script || !script.src) {
    var tags = document.querySelectorAll('script[src*="/embed.js"]');
    script = tags[tags.length - 1];
  }
  if (!script || !script.src) return;

  var src = new URL(script.src, window.location.href);
  var BOT = src.origin;
  var BASE = BOT + src.pathname.replace(/\/embed\.js$/, '');  // https://bot/chat (a proxy may add a prefix)
  var data = script.dataset;
  var NARROW = '(max-width: 480px)';  // the panel fills the screen; keep in step with CSS below

  function flag(value) { return value !== undefined && value !== 'false' && value !== '0'; }

  // The accent colour, darkened until white text on it has a contrast of 4.5:1.
  function readableAccent(hex) {
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(hex || '')) return null;
    if (hex.length === 4) hex = '#' + hex[1] + hex[1] + hex[2] + hex[2] + hex[3] + hex[3];
    var rgb = [1, 3, 5].map(function (i) { return parseInt(hex.substr(i, 2), 16); });
    function luminance(c) {
      var l = c.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
      return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    }
    for (var i = 0; i < 40 && 1.05 / (luminance(rgb) + 0.05) < 4.5; i++) {
      rgb = rgb.map(function (v) { return Math.floor(v * 0.9); });
    }
    return 'rgb(' + rgb.join(', ') + ')';
  }

  var config = {
    title: (data.title || '').trim().slice(0, 60) || 'Knee or back?',
    accent: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(data.accent || '') ? data.accent : '',
    side: data.side === 'left' ? 'left' : 'right',
    open: flag(data.open),
    transport: data.transport === 'websocket' ? 'websocket' : '',
    launcher: data.launcher !== 'false',
    reserve: data.reserveSpace !== 'false' && data.launcher !== 'false'
  };
  var token = data.token || null;

  // ------------------------------------------------------------ this website's sessionStorage
  var KEY = 'kneeChat:' + BOT + ':';
  var session = (function () {
    try {
      window.sessionStorage.setItem(KEY + 'probe', '1');
      window.sessionStorage.removeItem(KEY + 'probe');
      return window.sessionStorage;
    } catch (e) { return null; }
  })();

  function remember(name, value) {
    if (!session) return;
    try {
      if (value === null) session.removeItem(KEY + name);
      else session.setItem(KEY + name, value);
    } catch (e) { /* full: keep going */ }
  }

  function recall(name) {
    try { return session ? session.getItem(KEY + name) : null; } catch (e) { return null; }
  }

  function mark(name) {
    try { if (window.performance && performance.mark) performance.mark(name); } catch (e) { /* ignore */ }
  }

  // ------------------------------------------------------------ the launcher and the panel
  var CSS = [
    ':host { all: initial; }',
    '*, *::before, *::after { box-sizing: border-box; }',
    '[hidden] { display: none !important; }',
    // Nothing the page sets on <knee-chat> is inherited (letter-spacing, text-transform, ...).
    '.widget { all: initial; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;',
    '  color: #1b1f24; --accent: #1f4e8c; }',
    '.vh { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;',
    '  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }',
    '.launcher { position: fixed; bottom: 16px; right: 16px; z-index: 2147483000;',
    '  display: inline-flex; align-items: center; gap: 8px; min-height: 48px; margin: 0;',
    '  padding: 0 20px 0 16px; border: 2px solid #fff; border-radius: 24px;',
    '  background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer;',
    '  box-shadow: 0 2px 10px rgba(0, 0, 0, 0.3); }',
    '.launcher:hover { filter: brightness(1.1); }',
    '.launcher:focus-visible { outline: 3px solid #c0570a; outline-offset: 2px; }',
    '.launcher svg { width: 22px; height: 22px; flex: none; fill: none; stroke: currentColor;',
    '  stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }',
    '.left .launcher { right: auto; left: 16px; }',
    '.panel { position: fixed; z-index: 2147483001; bottom: 80px; right: 16px;',
    '  width: 400px; max-width: calc(100vw - 32px); height: 640px; max-height: calc(100vh - 96px);',
    '  background: #fff; border: 1px solid #9aa6b8; border-radius: 12px; overflow: hidden;',
    '  box-shadow: 0 8px 32px rgba(0, 0, 0, 0.3); }',
    '.left .panel { right: auto; left: 16px; }',
    '.panel iframe { position: relative; display: block; width: 100%; height: 100%; border: 0; }',
    '.loading { position: absolute; top: 0; left: 0; margin: 0; padding: 16px; color: #4a5563; }',
    '@media ' + NARROW + ' {',
    // A phone: a round button, as small as a good touch target.
    '  .launcher { width: 56px; height: 56px; padding: 0; justify-content: center; border-radius: 50%; }',
    '  .launcher .label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);',
    '    white-space: nowrap; }',
    '  .launcher svg { width: 26px; height: 26px; }',
    '  .panel { top: 0; right: 0; bottom: 0; left: 0; width: 100%; max-width: none; height: 100%;',
    '    max-height: none; border: 0; border-radius: 0; }',
    '  .open .launcher { display: none; }',
    '}',
    '@media (forced-colors: active) { .launcher { border-color: ButtonText; } .panel { border: 2px solid CanvasText; } }'
  ].join('\n');

  var SVG = 'http://www.w3.org/2000/svg';
  var ICONS = {
    chat: 'M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z',
    close: 'M6 6l12 12M18 6L6 18'
  };

  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  var host, widget, launcher, icon, label, hidden, panel, frame = null, opener = null;
  var built = false, isOpen = false, frameReady = false, wanted = false, initSent = false;

  function build() {
    host = document.createElement('knee-chat');
    // Outside the shadow root, only the host element's own box: at the end of
    // the page, as tall as the launcher and its margin, so that the page's last
    // content can always scroll out from under the launcher.
    host.style.cssText = 'display:block;margin:0;padding:0;border:0;height:' + (config.reserve ? '80px' : '0');
    var root = host.attachShadow({ mode: 'open' });
    var sheet = null;
    try {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];  // not an inline style: allowed by a strict CSP
    } catch (e) {
      root.appendChild(el('style', {}, CSS));
    }

    widget = el('aside', { 'class': 'widget ' + config.side, 'aria-label': 'Chat: ' + config.title });
    var accent = readableAccent(config.accent);
    if (accent) widget.style.setProperty('--accent', accent);

    launcher = el('button', { 'class': 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'panel' });
    icon = document.createElementNS(SVG, 'svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.setAttribute('aria-hidden', 'true');
    icon.setAttribute('focusable', 'false');
    icon.appendChild(document.createElementNS(SVG, 'path'));
    label = el('span', { 'class': 'label' });
    hidden = el('span', { 'class': 'vh' });
    launcher.appendChild(icon);
    launcher.appendChild(label);
    launcher.appendChild(hidden);
    launcher.addEventListener('click', function () { if (isOpen) close(false); else open(true); });
    // Load the panel's page while the pointer or focus is on the launcher (it
    // connects only when opened), so that it opens at once.
    launcher.addEventListener('pointerenter', makeFrame);
    launcher.addEventListener('focus', makeFrame);
    launcher.hidden = !config.launcher;

    panel = el('div', { 'class': 'panel', id: 'panel', role: 'dialog', 'aria-label': config.title + ' chat' });
    panel.hidden = true;
    panel.appendChild(el('p', { 'class': 'loading' }, 'Loading the chat…'));

    widget.appendChild(launcher);
    widget.appendChild(panel);
    root.appendChild(widget);
    root.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && isOpen) { event.preventDefault(); close(true); }
    });
    showLauncherState();
    document.body.appendChild(host);
    built = true;

    var reopen = recall('open') === '1';
    var narrow = window.matchMedia && window.matchMedia(NARROW).matches;
    if (reopen || (config.open && !narrow)) open(false);
  }

  function showLauncherState() {
    icon.firstChild.setAttribute('d', isOpen ? ICONS.close : ICONS.chat);
    label.textContent = isOpen ? 'Close' : 'Chat';
    hidden.textContent = isOpen ? ' the chat' : ' with ' + config.title;
    launcher.setAttribute('aria-expanded', isOpen ? 'true' : 'false');
    widget.classList.toggle('open', isOpen);
  }

  function makeFrame() {
    if (frame) return;
    var query = new URLSearchParams({ origin: window.location.origin, title: config.title });
    if (config.accent) query.set('accent', config.accent);
    if (config.transport) query.set('transport', config.transport);
    frame = el('iframe', {
      title: config.title + ': chat with the assistant',
      src: BASE + '/frame?' + query.toString(),
      // Copy summary; links open in a new tab; the frame cannot navigate this page.
      allow: 'clipboard-write',
      sandbox: 'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox',
      referrerpolicy: 'no-referrer'
    });
    panel.appendChild(frame);
  }

  function post(message) {
    message.kneeChat = 1;
    frame.contentWindow.postMessage(message, BOT);
  }

  function sendInit() {
    if (initSent || !frameReady || !wanted) return;
    initSent = true;
    post({ type: 'init', token: token, stored: recall('conversation') });
  }

  function open(byUser) {
    if (!built) { config.open = true; return; }
    makeFrame();
    if (!isOpen) {
      // Focus goes back there on close: the launcher, or the site's own button.
      opener = document.activeElement === host ? launcher : document.activeElement;
      mark('kneechat:open');
      isOpen = true;
      wanted = true;
      panel.hidden = false;
      showLauncherState();
      remember('open', '1');
      sendInit();
    }
    if (frameReady) post({ type: 'open', focus: !!byUser });
    if (byUser) frame.focus();
  }

  function close(restoreFocus) {
    if (!built || !isOpen) return;
    isOpen = false;
    panel.hidden = true;
    showLauncherState();
    remember('open', null);
    if (!restoreFocus) return;
    var back = opener && opener !== document.body && opener.isConnected && opener !== launcher ? opener : null;
    if (back) back.focus({ preventScroll: true });
    else if (config.launcher) launcher.focus({ preventScroll: true });
  }

  window.addEventListener('message', function (event) {
    if (!frame || event.source !== frame.contentWindow || event.origin !== BOT) return;
    var message = event.data;
    if (!message || typeof message !== 'object' || message.kneeChat !== 1) return;
    if (message.type === 'ready') {
      frameReady = true;
      initSent = false;  // a reloaded frame asks again
      mark('kneechat:frame-ready');
      sendInit();
      if (isOpen) post({ type: 'open', focus: host.shadowRoot.activeElement === frame });
    } else if (message.type === 'close') {
      close(true);
    } else if (message.type === 'store') {
      remember('conversation', typeof message.value === 'string' ? message.value : null);
    } else if (message.type === 'unauthorized') {
      window.dispatchEvent(new CustomEvent('kneechat:unauthorized'));
    }
  });

  window.KneeChat = {
    open: function () { open(true); },
    close: function () { close(false); },
    toggle: function () { if (isOpen) close(false); else open(true); },
    isOpen: function () { return isOpen; },
    setToken: function (jwt) {
      token = typeof jwt === 'string' && jwt ? jwt : null;
      if (initSent) post({ type: 'token', token: token });
    }
  };

  function check() {
    window.fetch(BASE + '/embed/check', { mode: 'cors', credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        build();
      })
      .catch(function () {
        if (window.console) {
          console.warn('Knee or back? chat: not shown. This website (' + window.location.origin + ') may not embed ' +
                       'the chat of ' + BOT + ' (its RASA_CORS must list this origin), or the bot cannot be reached.');
        }
      });
  }

  if (document.body) check();
  else document.addEventListener('DOMContentLoaded', check);
})();
