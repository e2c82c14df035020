// The emulator's viewer: follows the emulator's changes (server-sent events) and swaps in the
// messages whose revision changed, without reloading the page; sends the cards' clicks, choices
// and forms to the emulator as simulated interactions. Served as a file of its own so
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
          const fresh = document.adoptNode(message);
          typeStreamed(old, fresh);
          old.replaceWith(fresh);
        }
      }
    }
    current.dataset.version = fresh.dataset.version;
  }

  // ---- CardKit streaming: text that extends what an element showed is typed as Lark's
  // clients type it, `print_step` characters every `print_frequency_ms` (the message's data
  // attributes, Lark's defaults filled in by the emulator). Text that does not extend the old
  // one shows at once. When new text comes while old text is still being typed, `fast` shows
  // the rest of the old text at once and `delay` types it out first. While typing, the element
  // shows plain text and has `data-typing`; at the end, its rendered markdown.

  const typing = new Map();

  function typeStreamed(old, fresh) {
    if (!fresh.dataset.cardId) return;
    const every = Math.max(1, Number(fresh.dataset.printFrequencyMs) || 1);
    const step = Math.max(1, Number(fresh.dataset.printStep) || 1);
    const delay = fresh.dataset.printStrategy === 'delay';
    const selector = '.lk-el[data-element-id][data-tag="markdown"], .lk-el[data-element-id][data-tag="plain_text"]';
    for (const element of fresh.querySelectorAll(selector)) {
      const id = element.dataset.elementId;
      const before = old.querySelector('.lk-el[data-element-id="' + CSS.escape(id) + '"]');
      if (!before) continue;
      const key = fresh.dataset.messageId + '/' + id;
      const job = typing.get(key);
      if (job) clearInterval(job.timer);
      typing.delete(key);
      // The whole text the element was to show, and how much of it is on screen.
      const previous = job ? job.target : before.textContent;
      const printed = job ? job.printed : [...previous].length;
      const target = element.textContent;
      if (target === previous || !target.startsWith(previous)) continue;
      const chars = [...target];
      const rendered = element.innerHTML;
      const next = { target: target, printed: delay ? printed : [...previous].length, timer: 0 };
      element.textContent = chars.slice(0, next.printed).join('');
      element.dataset.typing = '';
      next.timer = setInterval(function () {
        next.printed = Math.min(chars.length, next.printed + step);
        if (next.printed < chars.length) {
          element.textContent = chars.slice(0, next.printed).join('');
          return;
        }
        clearInterval(next.timer);
        typing.delete(key);
        element.innerHTML = rendered;
        delete element.dataset.typing;
      }, every);
      typing.set(key, next);
    }
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

  // ---- Interactions: a click, a choice or a submitted form becomes the emulator's simulated
  // interaction (`POST /__emulator/messages/{id}/actions`), which posts Lark's callback to the
  // app's callback URL; the answer's toast shows here, its card arrives by the event stream.
  // The card's data is read with JSON.parse and shown with textContent: never run.

  const TOAST_MS = 4000;
  const URL_NOTICE_MS = 15000;
  const SAFE_URL = /^(https?:|mailto:|lark:|feishu:|tel:)/i;

  function notices() {
    let box = document.getElementById('notices');
    if (!box) {
      box = document.createElement('div');
      box.id = 'notices';
      box.setAttribute('aria-live', 'polite');
      document.body.appendChild(box);
    }
    return box;
  }

  // A notice of the page: `kind` is its class, `attrs` its data attributes, `parts` its text
  // (strings) and elements; it goes away after `ms`, or when closed.
  function notice(kind, attrs, parts, ms) {
    const item = document.createElement('div');
    item.className = 'notice ' + kind;
    for (const [name, value] of Object.entries(attrs)) item.setAttribute(name, value);
    const text = document.createElement('span');
    text.className = 'notice-text';
    for (const part of parts) {
      text.append(typeof part === 'string' ? document.createTextNode(part) : part);
    }
    item.appendChild(text);
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'notice-close';
    close.setAttribute('aria-label', 'close');
    close.textContent = '×';
    close.addEventListener('click', function () {
      item.remove();
    });
    item.appendChild(close);
    notices().appendChild(item);
    if (ms) setTimeout(function () { item.remove(); }, ms);
    return item;
  }

  function showError(text, code) {
    const attrs = { 'data-action-error': '', role: 'alert' };
    if (code !== undefined) attrs['data-code'] = String(code);
    notice('error', attrs, [text], 0);
  }

  function toastText(toast) {
    if (typeof toast.content === 'string' && toast.content) return toast.content;
    const i18n = toast.i18n && typeof toast.i18n === 'object' ? toast.i18n : {};
    for (const locale of ['zh_cn', 'en_us']) {
      if (typeof i18n[locale] === 'string') return i18n[locale];
    }
    const first = Object.values(i18n).find(function (v) { return typeof v === 'string'; });
    return first || '';
  }

  function showToast(toast) {
    const kind = ['info', 'success', 'error', 'warning'].includes(toast.type) ? toast.type : 'info';
    notice('toast toast-' + kind, { 'data-toast': '', 'data-toast-type': kind }, [toastText(toast)], TOAST_MS);
  }

  // An open-URL element does not take the viewer away: the URL is shown, to open in a new tab.
  function showUrl(url) {
    if (!SAFE_URL.test(url.trim())) return;
    const link = document.createElement('a');
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = url;
    notice('info', { 'data-open-url': url }, ['Opens ', link], URL_NOTICE_MS);
  }

  function actionOf(element) {
    try {
      const action = JSON.parse(element.dataset.lkAction || '{}');
      return action && typeof action === 'object' ? action : {};
    } catch (error) {
      return {};
    }
  }

  function behaviors(action) {
    return Array.isArray(action.behaviors) ? action.behaviors : null;
  }

  // The callback value of an element, as the emulator reads it: its `callback` behavior's, or
  // its `value`. `undefined`: it has none.
  function callbackValue(action) {
    const list = behaviors(action);
    const callback = list && list.find(function (b) { return b && b.type === 'callback'; });
    if (callback) return callback.value === undefined ? null : callback.value;
    return action.value;
  }

  // Whether using the element sends a callback at all (a 2.0 button sends one only with a
  // `callback` behavior; a 1.0 button with a `value`).
  function callsBack(action) {
    const list = behaviors(action);
    if (list) return list.some(function (b) { return b && b.type === 'callback'; });
    return action.value !== undefined;
  }

  function formBehavior(action) {
    if (action.form_action_type === 'submit' || action.action_type === 'form_submit') return 'submit';
    if (action.form_action_type === 'reset' || action.action_type === 'form_reset') return 'reset';
    const list = behaviors(action) || [];
    const form = list.find(function (b) { return b && b.type === 'form_action'; });
    if (form) return form.behavior === 'reset' ? 'reset' : 'submit';
    return null;
  }

  // How the emulator finds the element: its `element_id`, else its callback value, else its
  // `name`.
  function identity(element, action) {
    const wrapper = element.closest('.lk-el');
    if (wrapper && wrapper.dataset.elementId) return { element_id: wrapper.dataset.elementId };
    const value = callbackValue(action);
    if (value !== undefined && value !== null) return { value: value };
    if (typeof action.name === 'string' && action.name) return { name: action.name };
    return null;
  }

  function messageOf(element) {
    const message = element.closest('article.message[data-message-id]');
    return message ? message.dataset.messageId : null;
  }

  // Lark's pickers send `2024-05-20 +0800`, `10:30 +0800`, `2024-05-20 10:30 +0800`.
  function offset() {
    const minutes = -new Date().getTimezoneOffset();
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return sign + String(Math.floor(abs / 60)).padStart(2, '0') + String(abs % 60).padStart(2, '0');
  }

  function pickerValue(input) {
    return input.value ? input.value.replace('T', ' ') + ' ' + offset() : '';
  }

  function timezone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (error) {
      return undefined;
    }
  }

  async function act(element, action, fields) {
    const id = messageOf(element);
    if (!id) return;
    const who = identity(element, action);
    if (!who) {
      showError('The emulator cannot tell this ' + (action.tag || 'element') +
        ' apart: give it an element_id, a value or a name.');
      return;
    }
    const body = Object.assign({}, who, fields);
    element.setAttribute('aria-busy', 'true');
    try {
      const answer = await fetch('/__emulator/messages/' + encodeURIComponent(id) + '/actions', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      let interaction = null;
      try {
        interaction = await answer.json();
      } catch (error) {
        interaction = null;
      }
      if (!answer.ok || !interaction || typeof interaction !== 'object') {
        const why = interaction && interaction.error ? interaction.error : 'HTTP ' + answer.status;
        showError('The emulator refused the interaction: ' + why);
        return;
      }
      if (interaction.code !== 0) {
        showError('Lark code ' + interaction.code + ': ' + (interaction.error || 'the callback failed'),
          interaction.code);
      }
      if (interaction.toast && typeof interaction.toast === 'object') showToast(interaction.toast);
      if (interaction.private_card) {
        notice('info', { 'data-private-card': '' },
          ["The answer's card is not shared: only the operator sees it (it is in /__emulator/interactions)."],
          URL_NOTICE_MS);
      }
      if (interaction.card_applied) refresh();
    } catch (error) {
      showError('The emulator could not be reached: ' + error.message);
    } finally {
      element.removeAttribute('aria-busy');
    }
  }

  function confirmed(element) {
    const title = element.dataset.lkConfirm;
    return title === undefined || window.confirm(title);
  }

  function inForm(element) {
    return !!element.closest('form.lk-form');
  }

  function onClick(event) {
    const target = event.target;
    if (!(target instanceof Element) || !target.closest('article.message')) return;
    const option = target.closest('li[data-lk-option]');
    if (option) {
      const overflow = option.closest('details.lk-overflow');
      if (overflow) overflow.open = false;
      if (option.dataset.lkUrl) {
        showUrl(option.dataset.lkUrl);
        return;
      }
      if (overflow && confirmed(overflow)) {
        act(overflow, actionOf(overflow), { option: option.dataset.lkOption });
      }
      return;
    }
    const control = target.closest('[data-lk-action], [data-lk-url]');
    if (!control) return;
    const action = actionOf(control);
    const isButton = control.tagName === 'BUTTON';
    const isContainer = action.tag === 'interactive_container';
    if (!isButton && !isContainer && !control.matches('.lk-columns, .lk-column')) return;
    if (isButton) {
      const form = formBehavior(action);
      // In a form, submit and reset are the form's (its submit event below).
      if (inForm(control) && form) return;
    }
    if (control.dataset.lkUrl) showUrl(control.dataset.lkUrl);
    if (!isButton && !isContainer) return;
    if (!callsBack(action)) {
      if (!control.dataset.lkUrl) {
        notice('info', { 'data-action-info': '' },
          ['This ' + action.tag + ' sends no callback: it has no value and no callback behavior.'],
          TOAST_MS);
      }
      return;
    }
    if (!confirmed(control)) return;
    act(control, action, {});
  }

  // Choices outside a form call back at once; inside a form they are sent with it.
  function onChange(event) {
    const target = event.target;
    if (!(target instanceof Element) || !target.closest('article.message') || inForm(target)) return;
    const imageSelect = target.closest('.lk-select-img[data-lk-action]');
    if (imageSelect) {
      const chosen = [...imageSelect.querySelectorAll('input:checked')].map(function (i) { return i.value; });
      const multiple = !!imageSelect.querySelector('input[type=checkbox]');
      act(imageSelect, actionOf(imageSelect), multiple ? { options: chosen } : { option: chosen[0] || '' });
      return;
    }
    if (!target.matches('[data-lk-action]')) return;
    const action = actionOf(target);
    switch (action.tag) {
      case 'checker':
        act(target, action, { checked: target.checked });
        break;
      case 'select_static':
      case 'select_person':
        act(target, action, { option: target.value });
        break;
      case 'multi_select_static':
      case 'multi_select_person':
        act(target, action, { options: [...target.selectedOptions].map(function (o) { return o.value; }) });
        break;
      case 'date_picker':
      case 'picker_time':
      case 'picker_datetime':
        act(target, action, { option: pickerValue(target), timezone: timezone() });
        break;
      case 'input':
        act(target, action, { input_value: target.value });
        break;
      default:
        break;
    }
  }

  // A form's fields by name, as Lark sends them in `form_value`.
  function formValue(form) {
    const value = {};
    for (const field of form.elements) {
      if (!field.name || field.disabled || field.tagName === 'BUTTON') continue;
      if (field.type === 'checkbox' && field.closest('.lk-checker')) {
        value[field.name] = field.checked;
      } else if (field.type === 'radio') {
        if (field.checked) value[field.name] = field.value;
      } else if (field.type === 'checkbox') {
        if (!Array.isArray(value[field.name])) value[field.name] = [];
        if (field.checked) value[field.name].push(field.value);
      } else if (field.tagName === 'SELECT' && field.multiple) {
        value[field.name] = [...field.selectedOptions].map(function (o) { return o.value; });
      } else if (['date', 'time', 'datetime-local'].includes(field.type)) {
        value[field.name] = pickerValue(field);
      } else {
        value[field.name] = field.value;
      }
    }
    return value;
  }

  function onSubmit(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.closest('article.message')) return;
    event.preventDefault();
    const button = event.submitter;
    if (!button || !button.matches('[data-lk-action]')) {
      showError('This form has no submit button: Lark sends a form only from one.');
      return;
    }
    if (!confirmed(button)) return;
    act(button, actionOf(button), { form_value: formValue(form) });
  }

  // An interactive container is a button to the keyboard too.
  function onKey(event) {
    const target = event.target;
    if ((event.key === 'Enter' || event.key === ' ') && target instanceof Element &&
        target.matches('.lk-container[role=button]') && target.closest('article.message')) {
      event.preventDefault();
      target.click();
    }
  }

  function interact() {
    document.addEventListener('keydown', onKey);
    document.addEventListener('click', onClick);
    document.addEventListener('change', onChange);
    document.addEventListener('submit', onSubmit);
  }

  function start() {
    follow();
    interact();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
