// The emulator's viewer: follows the emulator's changes (server-sent events) and swaps in the
// messages whose revision changed, without reloading the page. Served as a file of its own so
// the page's Content-Security-Policy allows no inline script.
'use strict';

(function () {
  const base = '/__emulator/viewer';
  let busy = false;
  let again = false;

  function chats() {
    return document.getElementById('chats');
  }

  // Puts the fresh chats into the page: new chats and messages are added, changed messages
  // replaced, unchanged ones left alone (so an open panel or a typed input stays).
  function merge(fresh) {
    const current = chats();
    if (!current) return;
    const nav = current.querySelector('nav.chat-list');
    const freshNav = fresh.querySelector('nav.chat-list');
    if (nav && freshNav) nav.replaceWith(document.adoptNode(freshNav));
    const panes = current.querySelector('.chat-panes');
    for (const section of fresh.querySelectorAll('section.chat')) {
      const id = section.dataset.chatId;
      let mine = panes.querySelector('section.chat[data-chat-id="' + CSS.escape(id) + '"]');
      if (!mine) {
        panes.appendChild(document.adoptNode(section));
        continue;
      }
      for (const message of section.querySelectorAll('article.message')) {
        const mid = message.dataset.messageId;
        const old = mine.querySelector('article.message[data-message-id="' + CSS.escape(mid) + '"]');
        if (!old) {
          mine.appendChild(document.adoptNode(message));
        } else if (old.dataset.rev !== message.dataset.rev) {
          old.replaceWith(document.adoptNode(message));
        }
      }
    }
    current.dataset.version = fresh.dataset.version;
  }

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const answer = await fetch(base + '/chats' + location.search, { cache: 'no-store' });
      const text = await answer.text();
      const fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('chats');
      if (fresh) merge(fresh);
    } catch (error) {
      console.warn('viewer: refresh failed', error);
    } finally {
      busy = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  function follow() {
    if (!chats()) return;
    const events = new EventSource(base + '/events');
    // The page says whether it follows the emulator (the header's dot; tests wait for it).
    events.addEventListener('open', function () {
      document.documentElement.dataset.live = 'connected';
    });
    events.addEventListener('error', function () {
      document.documentElement.dataset.live = 'reconnecting';
    });
    events.addEventListener('change', function (event) {
      const current = chats();
      if (current && current.dataset.version !== event.data) refresh();
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', follow);
  } else {
    follow();
  }
})();
