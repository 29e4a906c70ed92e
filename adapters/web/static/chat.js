/*
 * Knee or back? web chat: a small, accessible widget on Rasa's socket.io channel.
 *
 * - The conversation id (Rasa sender id) and the transcript are kept in this
 *   browser's localStorage, so a reload shows the same conversation and carries
 *   on with it (the socket.io channel has session_persistence on).
 * - The same page is the panel of the widget other websites embed (embed.js):
 *   then it runs in an iframe at /chat/frame?origin=<website>, talks to the
 *   website's embed.js by postMessage (that origin only), and waits for its
 *   "init" (a sign-in token, and the stored conversation when this frame may not
 *   keep one itself: blocked third-party storage) before it connects.
 * - Bot text is always inserted as text (textContent), never as HTML; http(s)
 *   URLs become links.
 * - Yes / No / Not sure arrive as quick replies and are shown as buttons.
 * - Red-flag advice is recognised by its wording (see classify) and shown as an
 *   alert. The clinician summary gets its own block with a copy button.
 */
(function () {
  'use strict';

  var STORE_KEY = 'kneeOrBack.chat.v1';
  var MAX_STORED = 300;
  var GREETING = '/greet';
  var REPLY_SETTLE_MS = 120;   // bot messages of one turn arrive as a burst
  var TYPING_TIMEOUT_MS = 30000;

  var log = document.getElementById('log');
  var repliesBox = document.getElementById('replies');
  var repliesLabel = document.getElementById('replies-label');
  var form = document.getElementById('composer');
  var input = document.getElementById('message');
  var typing = document.getElementById('typing');
  var statusLine = document.getElementById('status');
  var restartButton = document.getElementById('restart');
  var closeButton = document.getElementById('close');

  // ------------------------------------------------------------ page or widget panel
  var params = new URLSearchParams(window.location.search);
  var parentOrigin = params.get('origin');
  var embedded = window.parent !== window && /\/frame\/?$/.test(window.location.pathname) && !!parentOrigin;
  var transports = params.get('transport') === 'websocket' ? ['websocket'] : null;
  var token = null;  // a JWT from the website (SOCKETIO_JWT_KEY), widget only

  function toParent(message) {
    if (!embedded) return;
    message.kneeChat = 1;
    window.parent.postMessage(message, parentOrigin);  // never '*': it may carry the transcript
  }

  // ------------------------------------------------------------ storage
  // This frame's own localStorage when it may use it (inside another website
  // browsers partition it by that website, which keeps it across the website's
  // pages and reloads). When it is blocked, the widget keeps the conversation in
  // the website's sessionStorage through embed.js (this tab only), and the page
  // at /chat has no reload memory.
  var local = (function () {
    try {
      var probe = '__probe__';
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;  // private mode or blocked: the chat still works, without reload memory
    }
  })();
  var websiteCopy = null;  // widget without storage of its own: the copy embed.js keeps

  var storage = {
    kind: local ? 'frame' : (embedded ? 'website' : 'none'),
    get: function () { return local ? local.getItem(STORE_KEY) : websiteCopy; },
    set: function (text) {
      if (local) { local.setItem(STORE_KEY, text); return; }
      websiteCopy = text;
      toParent({ type: 'store', value: text });
    },
    remove: function () {
      if (local) { local.removeItem(STORE_KEY); return; }
      websiteCopy = null;
      toParent({ type: 'store', value: null });
    }
  };
  document.documentElement.setAttribute('data-storage', storage.kind);

  function fresh() { return { sessionId: null, messages: [] }; }

  function load() {
    try {
      var saved = JSON.parse(storage.get() || 'null');
      if (saved && Array.isArray(saved.messages)) {
        return {
          sessionId: typeof saved.sessionId === 'string' ? saved.sessionId : null,
          messages: saved.messages.filter(function (m) {
            return m && (m.who === 'bot' || m.who === 'user') && typeof m.text === 'string';
          })
        };
      }
    } catch (e) { /* unreadable: start again */ }
    return fresh();
  }

  function save() {
    if (storage.kind === 'none') return;
    if (state.messages.length > MAX_STORED) state.messages = state.messages.slice(-MAX_STORED);
    try {
      storage.set(JSON.stringify(state, function (key, value) {
        return key.charAt(0) === '_' ? undefined : value;  // _el: this page's element id
      }));
    } catch (e) { /* full: keep going */ }
  }

  var state = fresh();  // loaded by start()

  // ------------------------------------------------------------ what a bot message is
  // The actions mark red-flag advice only by wording (bot/data/messages.yml
  // red_flag_alert "Important: ...", and the triage guidance of
  // bot/data/explanations.yml). The routine guidance also *mentions* an
  // emergency department ("if you notice ... go to an emergency department"),
  // so a mention alone is not enough.
  function classify(text) {
    if (/^Important:/.test(text)) {
      return /emergency (department|number)/i.test(text) ? 'emergency' : 'urgent';
    }
    if (/^Please go to an emergency department/i.test(text)) return 'emergency';
    if (/^Please see a doctor today/i.test(text)) return 'urgent';
    if (/^Summary for a clinician/i.test(text)) return 'summary';
    return '';
  }

  // ------------------------------------------------------------ rendering
  var URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;

  // Append text to parent, turning http(s) URLs into links. Never parses HTML.
  function appendLinkified(parent, text) {
    var last = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var url = match;  // trailing punctuation is not part of the URL, nor an unbalanced ')'
      while (/[.,;:!?\]]$/.test(url) ||
             (/\)$/.test(url) && url.split('(').length < url.split(')').length)) {
        url = url.slice(0, -1);
      }
      var safe = null;
      try {
        var parsed = new URL(url);
        if (parsed.protocol === 'http:' || parsed.protocol === 'https:') safe = parsed.href;
      } catch (e) { safe = null; }
      if (!safe) return match;
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var a = document.createElement('a');
      a.href = safe;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      a.textContent = url;
      var hint = document.createElement('span');
      hint.className = 'visually-hidden';
      hint.textContent = ' (opens in a new tab)';
      a.appendChild(hint);
      parent.appendChild(a);
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  var counter = 0;

  function speaker(who) {
    var span = document.createElement('span');
    span.className = 'visually-hidden';
    span.textContent = who === 'bot' ? 'Assistant: ' : 'You: ';
    return span;
  }

  function renderSummary(el, text) {
    var lines = text.split('\n').filter(function (line) { return line.trim(); });
    var title = document.createElement('h3');
    title.className = 'summary__title';
    title.appendChild(speaker('bot'));
    appendLinkified(title, lines[0] || '');
    el.appendChild(title);
    if (lines.length > 1) {
      var list = document.createElement('ul');
      list.className = 'summary__list';
      lines.slice(1).forEach(function (line) {
        var li = document.createElement('li');
        appendLinkified(li, line);
        list.appendChild(li);
      });
      el.appendChild(list);
    }
    var copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'copy-button';
    copy.textContent = 'Copy summary';
    copy.addEventListener('click', function () { copyText(text); });
    el.appendChild(copy);
  }

  function copyText(text) {
    function done() { setStatus('Summary copied. You can paste it into a message or a note for your doctor.'); }
    if (navigator.clipboard && window.isSecureContext) {  // in the widget: the iframe allows clipboard-write
      navigator.clipboard.writeText(text).then(done, function () { setStatus('Copying did not work: select the summary and copy it.', true); });
    } else {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) done(); else setStatus('Copying did not work: select the summary and copy it.', true);
    }
  }

  function renderMessage(entry, live) {
    var el = document.createElement('div');
    el.id = 'msg-' + (++counter);
    el.className = 'msg msg--' + entry.who;
    var kind = entry.who === 'bot' ? (entry.kind || '') : '';
    if (kind === 'summary') {
      el.className += ' msg--summary';
      renderSummary(el, entry.text);
      return el;
    }
    if (kind === 'emergency' || kind === 'urgent') {
      el.className += ' msg--' + kind;
      el.setAttribute('data-alert', kind);
      if (live) el.setAttribute('role', 'alert');  // announced at once; not again on reload
      var badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = kind === 'emergency' ? '\u26A0 Emergency advice' : '\u26A0 Urgent advice';
      el.appendChild(badge);
    }
    var p = document.createElement('p');
    p.className = 'msg__text';
    p.appendChild(speaker(entry.who));
    appendLinkified(p, entry.text);
    el.appendChild(p);
    return el;
  }

  // The first red-flag message of a turn stays in view while the rest of the
  // turn arrives below it; otherwise a new message is scrolled into view (a long
  // one from its start).
  var turnAlert = null;

  function scrollToShow(el) {
    var logBox = log.getBoundingClientRect();
    var top = function (node) { return log.scrollTop + node.getBoundingClientRect().top - logBox.top - 8; };
    var target = el.getBoundingClientRect().height > logBox.height ? top(el) : log.scrollHeight;
    var alertEl = turnAlert && document.getElementById(turnAlert);
    if (alertEl && alertEl !== el) target = Math.min(target, top(alertEl));
    log.scrollTop = target;
  }

  function show(entry, live) {
    var el = renderMessage(entry, live);
    log.appendChild(el);
    entry._el = el.id;
    if (live && !turnAlert && (entry.kind === 'emergency' || entry.kind === 'urgent')) turnAlert = el.id;
    scrollToShow(el);
    return el;
  }

  // A custom payload names what the previous text was: restyle it if the wording didn't.
  function markLastBotMessage(kind) {
    for (var i = state.messages.length - 1; i >= 0; i--) {
      var entry = state.messages[i];
      if (entry.who !== 'bot') continue;
      if (entry.kind === kind) return;
      entry.kind = kind;
      save();
      var old = entry._el && document.getElementById(entry._el);
      if (old) {
        var el = renderMessage(entry, true);
        old.parentNode.replaceChild(el, old);
        entry._el = el.id;
      }
      return;
    }
  }

  // "Delete my data" was confirmed and the server deleted the conversation: this
  // browser forgets it too, keeping only the bot's confirmation on screen.
  function forgetTranscript() {
    var last = null;
    for (var i = state.messages.length - 1; i >= 0; i--) {
      if (state.messages[i].who === 'bot') { last = state.messages[i]; break; }
    }
    state.messages = last ? [last] : [];
    save();
    Array.prototype.slice.call(log.children).forEach(function (el) {
      if (!last || el.id !== last._el) log.removeChild(el);
    });
    renderReplies();
    setStatus('This conversation was deleted. This browser no longer keeps it either.');
  }

  // ------------------------------------------------------------ quick replies
  var pendingReplyFocus = false;  // the person answered with a button: put focus on the next ones
  var replyTimer = null;

  function currentReplies() {
    for (var i = state.messages.length - 1; i >= 0; i--) {
      var m = state.messages[i];
      if (m.who === 'user') return null;
      if (m.replies && m.replies.length) return m;
    }
    return null;
  }

  function clearReplyButtons() {
    Array.prototype.slice.call(repliesBox.querySelectorAll('button')).forEach(function (b) {
      repliesBox.removeChild(b);
    });
  }

  function renderReplies() {
    var hadFocus = repliesBox.contains(document.activeElement);
    var source = currentReplies();
    clearReplyButtons();
    if (!source) {
      repliesBox.hidden = true;
      repliesBox.removeAttribute('aria-describedby');
      if (hadFocus) input.focus({ preventScroll: true });
      return;
    }
    source.replies.forEach(function (reply) {
      var button = document.createElement('button');
      button.type = 'button';
      button.textContent = reply.title;
      button.addEventListener('click', function () {
        if (button.getAttribute('aria-disabled') === 'true') return;
        pendingReplyFocus = true;
        disableReplies();
        send(reply.payload, reply.title);
      });
      repliesBox.appendChild(button);
    });
    // The group is named "Quick answers" and described by the question itself.
    if (source._el) repliesBox.setAttribute('aria-describedby', source._el);
    repliesBox.hidden = false;
    if (pendingReplyFocus || hadFocus) {
      pendingReplyFocus = false;
      repliesBox.querySelector('button').focus({ preventScroll: true });
    }
  }

  function disableReplies() {
    Array.prototype.slice.call(repliesBox.querySelectorAll('button')).forEach(function (b) {
      b.setAttribute('aria-disabled', 'true');
    });
  }

  function scheduleReplies() {
    if (replyTimer) clearTimeout(replyTimer);
    replyTimer = setTimeout(function () { replyTimer = null; renderReplies(); }, REPLY_SETTLE_MS);
  }

  // ------------------------------------------------------------ status and typing
  var typingTimer = null;

  var statusIsTransient = true;  // "Connecting…" from the page, or a connection problem

  function setStatus(text, problem) {
    statusIsTransient = !!problem;
    statusLine.textContent = text || '';
    statusLine.classList.toggle('status--problem', !!problem);
  }

  function setTyping(on) {
    typing.hidden = !on;
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = on ? setTimeout(function () { typing.hidden = true; }, TYPING_TIMEOUT_MS) : null;
  }

  // ------------------------------------------------------------ timing marks (bench/bench_web.py)
  var waitingSince = false;
  var firstBotMessage = true;

  function mark(name) {
    try { if (window.performance && performance.mark) performance.mark(name); } catch (e) { /* ignore */ }
  }

  // ------------------------------------------------------------ socket.io
  var socket = null;  // made by connect()
  var confirmed = false;
  var queue = [];

  function emitMessage(text) {
    socket.emit('user_uttered', { message: text, session_id: state.sessionId });
  }

  // payload: what Rasa gets; shown: what the transcript shows (null: nothing).
  function send(payload, shown) {
    turnAlert = null;
    if (shown !== null) {
      var entry = { who: 'user', text: shown };
      state.messages.push(entry);
      save();
      show(entry, true);
    }
    waitingSince = true;
    mark('chat:send');
    setTyping(true);
    if (confirmed && socket && socket.connected) {
      emitMessage(payload);
    } else {
      queue.push(payload);
      setStatus('Not connected yet: your message will be sent when the connection is back.', true);
    }
  }

  function connect() {
    if (typeof window.io !== 'function') {
      setStatus('The chat could not start: its socket.io script is missing on the server (run scripts/install_web.sh).', true);
      return;
    }
    var options = { path: '/socket.io' };
    // transport=websocket: no long-polling start, so replicas need no sticky sessions.
    if (transports) options.transports = transports;
    // Asked at every (re)connection, so a token set later by the website is used.
    if (embedded) options.auth = function (give) { give(token ? { token: token } : {}); };
    socket = window.io(options);
    socket.on('connect', onConnect);
    socket.on('session_confirm', onSessionConfirm);
    socket.on('bot_uttered', onBotUttered);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
  }

  function onConnect() {
    if (statusIsTransient) setStatus('');
    socket.emit('session_request', { session_id: state.sessionId });
  }

  function onSessionConfirm(data) {
    var id = typeof data === 'string' ? data : (data && data.session_id);
    if (!id) return;
    state.sessionId = id;
    save();
    confirmed = true;
    if (state.messages.length === 0 && queue.length === 0) {
      send(GREETING, null);  // the bot greets (wording in domain.yml); not shown as a user message
      return;
    }
    var pending = queue;
    queue = [];
    pending.forEach(emitMessage);
    if (pending.length && statusIsTransient) setStatus('');
  }

  function onBotUttered(message) {
    if (!message || typeof message !== 'object') return;
    // Custom payloads (json_message={"data": {...}} in an action) come after their text.
    if (typeof message.text !== 'string' && message.type === 'red_flag_alert') {
      markLastBotMessage(message.triage === 'urgent' ? 'urgent' : 'emergency');
      return;
    }
    if (typeof message.text !== 'string' && message.type === 'conversation_deleted') {
      forgetTranscript();
      return;
    }
    if (typeof message.text !== 'string' && message.type === 'clinician_summary') {
      markLastBotMessage('summary');
      return;
    }
    var text = typeof message.text === 'string' ? message.text.trim() : '';
    var raw = Array.isArray(message.quick_replies) ? message.quick_replies
      : Array.isArray(message.buttons) ? message.buttons : [];
    var replies = raw.filter(function (r) {
      return r && typeof r.title === 'string' && typeof r.payload === 'string';
    }).map(function (r) { return { title: r.title, payload: r.payload }; });
    if (!text && !replies.length) return;
    var entry = { who: 'bot', text: text };
    var kind = classify(text);
    if (kind) entry.kind = kind;
    if (replies.length) entry.replies = replies;
    state.messages.push(entry);
    save();
    setTyping(false);
    show(entry, true);
    if (firstBotMessage) { firstBotMessage = false; mark('chat:first-bot-message'); }
    if (waitingSince) {
      waitingSince = false;
      mark('chat:reply');
      try { performance.measure('chat:round-trip', 'chat:send', 'chat:reply'); } catch (e) { /* ignore */ }
    }
    scheduleReplies();
  }

  function onDisconnect(reason) {
    confirmed = false;
    if (reason === 'io client disconnect') return;  // our own, when starting a new conversation
    setStatus('Connection lost. Reconnecting…', true);
  }

  function onConnectError(error) {
    // The server refuses a connection without a valid JWT (SOCKETIO_JWT_KEY) and
    // does not retry it: the website can give a new token (KneeChat.setToken).
    if (error && error.message === 'unauthorized') {
      setStatus('The chat cannot start: this website has not signed you in to it.', true);
      toParent({ type: 'unauthorized' });
      return;
    }
    setStatus('Cannot reach the assistant right now. Trying again…', true);
  }

  // ------------------------------------------------------------ the form and buttons
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = '';
    pendingReplyFocus = false;
    send(text, text);
    renderReplies();
  });

  input.addEventListener('input', function () { pendingReplyFocus = false; });

  restartButton.addEventListener('click', function () {
    state = fresh();
    storage.remove();
    queue = [];
    confirmed = false;
    while (log.firstChild) log.removeChild(log.firstChild);
    renderReplies();
    setTyping(false);
    setStatus('Started a new conversation. This browser no longer keeps the old one.');
    // A new connection: the old one stays in the old conversation's room.
    if (socket) {
      socket.disconnect();
      socket.connect();
    }
    input.focus();
  });

  // ------------------------------------------------------------ start: history, then connect
  function start() {
    state = load();
    if (state.messages.length) {
      log.setAttribute('aria-live', 'off');  // don't read the whole history out again
      state.messages.forEach(function (entry) { show(entry, false); });
      renderReplies();
      log.scrollTop = log.scrollHeight;
      setTimeout(function () { log.setAttribute('aria-live', 'polite'); }, 0);
    }
    connect();
  }

  if (!embedded) {
    document.documentElement.classList.remove('embedded');
    start();
    return;
  }

  // ------------------------------------------------------------ the widget's panel
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

  var accent = readableAccent(params.get('accent'));
  if (accent) {
    document.documentElement.style.setProperty('--accent', accent);
    document.documentElement.style.setProperty('--user', accent);
  }
  var title = (params.get('title') || '').trim().slice(0, 60);
  if (title) {
    document.getElementById('title').textContent = title;
    document.title = title + ' – chat';
  }
  document.documentElement.classList.add('embedded');
  closeButton.hidden = false;
  closeButton.addEventListener('click', function () { toParent({ type: 'close' }); });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' && !event.defaultPrevented) toParent({ type: 'close' });
  });

  var started = false;
  window.addEventListener('message', function (event) {
    if (event.source !== window.parent || event.origin !== parentOrigin) return;
    var data = event.data;
    if (!data || typeof data !== 'object' || data.kneeChat !== 1) return;
    if (data.type === 'init' && !started) {
      started = true;
      token = typeof data.token === 'string' && data.token ? data.token : null;
      websiteCopy = typeof data.stored === 'string' ? data.stored : null;
      start();
    } else if (data.type === 'open') {
      if (data.focus) input.focus({ preventScroll: true });
      log.scrollTop = log.scrollHeight;
    } else if (data.type === 'token') {
      token = typeof data.token === 'string' && data.token ? data.token : null;
      // Refused for want of a token: the client does not retry by itself.
      if (token && socket && !socket.connected && !socket.active) socket.connect();
    }
  });
  toParent({ type: 'ready' });
})();
