/*
 * Knee or back? web chat: a small, accessible widget on Rasa's socket.io channel.
 *
 * - The conversation id (Rasa sender id) and the transcript are kept in this
 *   browser's localStorage, so a reload shows the same conversation and carries
 *   on with it (the socket.io channel has session_persistence on).
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

  // ------------------------------------------------------------ storage
  var storage = (function () {
    try {
      var probe = '__probe__';
      window.localStorage.setItem(probe, probe);
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;  // private mode or blocked: the chat still works, without reload memory
    }
  })();

  function fresh() { return { sessionId: null, messages: [] }; }

  function load() {
    if (!storage) return fresh();
    try {
      var saved = JSON.parse(storage.getItem(STORE_KEY) || 'null');
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
    if (!storage) return;
    if (state.messages.length > MAX_STORED) state.messages = state.messages.slice(-MAX_STORED);
    try {
      storage.setItem(STORE_KEY, JSON.stringify(state, function (key, value) {
        return key.charAt(0) === '_' ? undefined : value;  // _el: this page's element id
      }));
    } catch (e) { /* full: keep going */ }
  }

  var state = load();

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
    if (navigator.clipboard && window.isSecureContext) {
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
  if (typeof window.io !== 'function') {
    setStatus('The chat could not start: its socket.io script is missing on the server (run scripts/install_web.sh).', true);
    return;
  }

  var socket = window.io({ path: '/socket.io' });
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
    if (confirmed && socket.connected) {
      emitMessage(payload);
    } else {
      queue.push(payload);
      setStatus('Not connected yet: your message will be sent when the connection is back.', true);
    }
  }

  socket.on('connect', function () {
    if (statusIsTransient) setStatus('');
    socket.emit('session_request', { session_id: state.sessionId });
  });

  socket.on('session_confirm', function (data) {
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
  });

  socket.on('bot_uttered', function (message) {
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
  });

  socket.on('disconnect', function (reason) {
    confirmed = false;
    if (reason === 'io client disconnect') return;  // our own, when starting a new conversation
    setStatus('Connection lost. Reconnecting…', true);
  });

  socket.on('connect_error', function () {
    setStatus('Cannot reach the assistant right now. Trying again…', true);
  });

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
    if (storage) storage.removeItem(STORE_KEY);
    queue = [];
    confirmed = false;
    while (log.firstChild) log.removeChild(log.firstChild);
    renderReplies();
    setTyping(false);
    setStatus('Started a new conversation. This browser no longer keeps the old one.');
    // A new connection: the old one stays in the old conversation's room.
    socket.disconnect();
    socket.connect();
    input.focus();
  });

  // ------------------------------------------------------------ history after a reload
  if (state.messages.length) {
    log.setAttribute('aria-live', 'off');  // don't read the whole history out again
    state.messages.forEach(function (entry) { show(entry, false); });
    renderReplies();
    log.scrollTop = log.scrollHeight;
    setTimeout(function () { log.setAttribute('aria-live', 'polite'); }, 0);
  }
})();
