(function (root, doc) {
'use strict';
function same(a, b) {
if (Array.isArray(a) || Array.isArray(b)) {
return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => same(item, b[i]));
}
return (typeof a === 'boolean' ? +a : a) === (typeof b === 'boolean' ? +b : b);
}
function compare(op, answer, value) {
if (op === 'eq') return same(answer, value);
if (op === 'ne') return !same(answer, value);
if (op === 'in') return Array.isArray(value) && value.some((item) => same(answer, item));
if (op === 'includes') return Array.isArray(answer) && [].concat(value).some((item) => answer.some((a) => same(a, item)));
if (typeof answer !== 'number' || typeof value !== 'number') return false;
return op === 'lt' ? answer < value : op === 'lte' ? answer <= value : op === 'gt' ? answer > value : op === 'gte' && answer >= value;
}
function evaluate(condition, answers) {
if (condition.all) return condition.all.every((part) => evaluate(part, answers));
if (condition.any) return condition.any.some((part) => evaluate(part, answers));
const answer = Object.prototype.hasOwnProperty.call(answers, condition.question) ? answers[condition.question] : null;
return answer !== null && answer !== undefined && compare(condition.op, answer, condition.value);
}
root.palauteShowIf = evaluate;
if (!doc) return;
const all = (selector, within) => [].slice.call((within || doc).querySelectorAll(selector));
const fill = (text, values) => String(text).replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
const params = new URLSearchParams(location.search);
const tp = params.get('tp') || '';
all('.langs a').forEach((link) => { link.search = location.search; });
function showOutcome(box, id) {
const chosen = box && all('template', box).filter((template) => template.dataset.outcome === id)[0];
if (!chosen) return;
[].slice.call(box.children).forEach((old) => { if (old.tagName !== 'TEMPLATE') box.removeChild(old); });
box.appendChild(chosen.content.cloneNode(true));
box.hidden = false;
}
const form = doc.querySelector('form[data-survey]');
if (!form) {
showOutcome(doc.getElementById('outcome'), params.get('outcome'));
return;
}
const data = form.dataset;
const texts = JSON.parse(data.texts);
const settings = JSON.parse(data.kiosk);
const outcomes = data.outcomes ? JSON.parse(data.outcomes) : [];
const kiosk = settings.touchpoints.indexOf(tp) >= 0;
const questions = all('[data-question]', form);
const pages = all('.page', form);
const summary = form.querySelector('[data-error-summary]');
const send = form.querySelector('[type=submit]');
const thanks = doc.querySelector('[data-kiosk-thanks]');
const dialog = doc.querySelector('[data-idle]');
const conditions = {};
const make = (tag, className, text) => {
const element = doc.createElement(tag);
element.className = className;
element.textContent = text || '';
return element;
};
questions.forEach((q) => { if (q.dataset.showIf) conditions[q.dataset.question] = JSON.parse(q.dataset.showIf); });
form.noValidate = true;
all('input[type=hidden]', form).forEach((input) => {
const value = input.name === 'lang' ? '' : params.get(input.name.replace(/^hidden\./, ''));
if (value) {
input.value = value;
input.disabled = false;
}
});
function newId() {
const crypto = root.crypto;
if (crypto && crypto.randomUUID) return crypto.randomUUID();
const bytes = crypto && crypto.getRandomValues ? crypto.getRandomValues(new Uint8Array(16)) : new Uint8Array(16).map(() => Math.random() * 256);
bytes[6] = (bytes[6] & 15) | 64;
bytes[8] = (bytes[8] & 63) | 128;
const hex = [].map.call(bytes, (byte) => (byte + 256).toString(16).slice(1)).join('');
return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}
let responseId = newId();
function answerOf(q) {
const id = q.dataset.question;
const type = q.dataset.type;
const picked = all('input:checked', q).filter((input) => input.name === id);
if (type === 'likert') {
const rows = {};
all('input:checked', q).forEach((input) => { rows[input.name.slice(id.length + 1)] = +input.value; });
return Object.keys(rows).length ? rows : undefined;
}
if (type === 'multi_choice') return picked.length ? picked.map((input) => input.value) : undefined;
if (type === 'consent') return picked.length ? true : undefined;
if (type === 'single_choice') return picked.length ? picked[0].value : undefined;
if (q.querySelector('[type=radio]')) return picked.length ? +picked[0].value : undefined;
const field = q.querySelector('input,textarea');
const value = field ? field.value.trim() : '';
if (!value) return undefined;
return type === 'number' ? +value : value;
}
function answers() {
const kept = {};
const shown = {};
questions.forEach((q) => {
const id = q.dataset.question;
shown[id] = !conditions[id] || evaluate(conditions[id], kept);
const value = shown[id] ? answerOf(q) : undefined;
if (value !== undefined) kept[id] = value;
});
return { kept, shown };
}
let current = 0;
let progress = null;
let back = null;
let next = null;
const live = (i) => all('[data-question]', pages[i]).some((q) => !q.hidden);
function step(from, direction) {
for (let i = from + direction; i >= 0 && i < pages.length; i += direction) if (live(i)) return i;
return -1;
}
if (pages.length > 1) {
progress = make('p', 'progress');
progress.setAttribute('aria-live', 'polite');
pages[0].parentNode.insertBefore(progress, pages[0]);
back = make('button', 'secondary', texts.back);
next = make('button', '', texts.next);
back.type = next.type = 'button';
send.parentNode.insertBefore(back, send);
send.parentNode.insertBefore(next, send);
back.onclick = () => {
showErrors([]);
showPage(step(current, -1), true);
};
next.onclick = advance;
}
function showPage(index, focus) {
current = index;
if (!progress) return;
pages.forEach((page, i) => { page.hidden = i !== index; });
const last = step(index, 1) < 0;
back.hidden = step(index, -1) < 0;
next.hidden = last;
send.hidden = !last;
const text = fill(texts.progress, { n: index + 1, total: pages.length });
if (progress.textContent !== text) progress.textContent = text;
progress.hidden = !!pages[index].querySelector('h2[data-numbered]');
if (focus) {
const heading = pages[index].querySelector('h2') || pages[index];
heading.tabIndex = -1;
heading.focus();
}
}
function update() {
const shown = answers().shown;
questions.forEach((q) => { q.hidden = !shown[q.dataset.question]; });
all('[data-other-for]', form).forEach((box) => { box.hidden = !doc.getElementById(box.dataset.otherFor).checked; });
showPage(current, false);
}
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;
function check(q, value) {
const type = q.dataset.type;
const field = q.querySelector('input,textarea');
if (type === 'number' && field.validity.badInput) return ['number', { got: '""' }];
if (value === undefined) return q.hasAttribute('data-required') ? ['required', {}] : null;
if (type === 'likert' && q.hasAttribute('data-required')) {
const missing = all('fieldset fieldset', q).filter((row) => !row.querySelector(':checked'));
const names = missing.map((row) => row.querySelector('input').name.split('.').pop());
if (missing.length) return ['rows_required', { missing: names.join(', ') }, missing[0].querySelector('input')];
}
if (type === 'multi_choice') {
const count = value.length;
if (count < +(q.dataset.min || 0)) return ['choices_min', { min: q.dataset.min, count }];
if (q.dataset.max && count > +q.dataset.max) return ['choices_max', { max: q.dataset.max, count }];
}
if ((type === 'text' || type === 'email') && field.maxLength > 0 && value.length > field.maxLength) {
return ['too_long', { max: field.maxLength, count: value.length }];
}
if (type === 'email' && !EMAIL.test(value)) return ['email', { got: JSON.stringify(value) }];
if (type === 'number') {
if (field.step === '1' && value % 1) return ['number_whole', { got: value }];
if (field.min !== '' && value < +field.min) return ['number_min', { min: field.min, got: value }];
if (field.max !== '' && value > +field.max) return ['number_max', { max: field.max, got: value }];
}
return null;
}
function validate(page) {
const found = answers();
const problems = [];
questions.forEach((q) => {
if (!found.shown[q.dataset.question] || (page >= 0 && +q.dataset.page !== page)) return;
const problem = check(q, found.kept[q.dataset.question]);
if (problem) problems.push({ q, text: fill(texts.problems[problem[0]], problem[1]), target: problem[2] });
});
return problems;
}
function labelOf(q) {
const label = q.querySelector('.label').cloneNode(true);
all('.req', label).forEach((required) => required.parentNode.removeChild(required));
return label.textContent.trim();
}
function showErrors(problems) {
all('[data-invalid]', form).forEach((q) => q.removeAttribute('data-invalid'));
all('[aria-invalid]', form).forEach((field) => field.removeAttribute('aria-invalid'));
all('[data-error]', form).forEach((slot) => { slot.textContent = ''; });
const list = summary.querySelector('ul');
list.textContent = '';
summary.hidden = !problems.length;
problems.forEach((problem) => {
const item = doc.createElement('li');
const q = problem.q;
if (q) {
const target = problem.target || q.querySelector('input,textarea');
q.setAttribute('data-invalid', '');
q.querySelector('[data-error]').textContent = problem.text;
if (!/radio|checkbox/.test(target.type)) target.setAttribute('aria-invalid', 'true');
const link = make('a', '', labelOf(q) + ' – ' + problem.text);
link.href = '#' + target.id;
link.onclick = (event) => {
event.preventDefault();
showPage(+q.dataset.page, false);
target.focus();
};
item.appendChild(link);
} else {
item.textContent = problem.text;
}
list.appendChild(item);
});
if (problems.length) {
if (problems[0].q) showPage(+problems[0].q.dataset.page, false);
summary.focus();
}
}
function advance() {
const last = !progress || step(current, 1) < 0;
const problems = validate(last ? -1 : current);
showErrors(problems);
if (problems.length) return;
if (!last) return showPage(step(current, 1), true);
submit();
}
function outcomeOf(kept) {
let total = 0;
questions.forEach((q) => {
const value = kept[q.dataset.question];
if (value === undefined) return;
all('[data-score]', q).forEach((option) => { if ([].concat(value).indexOf(option.value) >= 0) total += +option.dataset.score; });
if (q.hasAttribute('data-scored') && typeof value === 'number') total += value;
});
const hit = outcomes.filter((o) => (o.min === null || total >= o.min) && (o.max === null || total <= o.max))[0];
return hit ? hit.id : '';
}
const KEY = 'palaute:' + data.survey;
const DELAYS = [2, 5, 15, 60];
const status = make('p', 'status');
status.setAttribute('role', 'status');
form.parentNode.insertBefore(status, form.nextSibling);
const say = (text) => { status.textContent = text || ''; };
let memory = [];
let pending = null;
let busy = false;
let timer = 0;
let attempt = 0;
function stored() {
try {
return JSON.parse(localStorage.getItem(KEY)) || [];
} catch (error) {
return memory;
}
}
function store(list) {
memory = list;
try {
if (list.length) localStorage.setItem(KEY, JSON.stringify(list));
else localStorage.removeItem(KEY);
} catch (error) {
}
}
const forget = (id) => store(stored().filter((body) => body.response_id !== id));
function post(body) {
const control = root.AbortController ? new AbortController() : null;
const limit = control ? setTimeout(() => control.abort(), 20000) : 0;
const url = data.api + '/v1/surveys/' + encodeURIComponent(data.survey) + '/responses';
const options = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit', signal: control ? control.signal : undefined };
return fetch(url, options)
.then((reply) => reply.json().catch(() => ({})).then((json) => ({ status: reply.status, json })))
.catch(() => ({ status: 0, json: {} }))
.then((reply) => {
clearTimeout(limit);
reply.retry = !reply.status || reply.status >= 500 || [408, 409, 425, 429].indexOf(reply.status) >= 0;
return reply;
});
}
function flush() {
clearTimeout(timer);
const list = stored();
if (busy || !list.length) return;
busy = true;
const body = list[0];
post(body).then((reply) => {
busy = false;
if (reply.retry) {
timer = setTimeout(flush, DELAYS[Math.min(attempt++, DELAYS.length - 1)] * 1000);
if (pending) waiting();
return;
}
attempt = 0;
forget(body.response_id);
if (pending && pending.id === body.response_id) settle(reply);
if (!stored().length && !pending) say('');
flush();
});
}
function waiting() {
say(texts.queued);
if (kiosk) {
const outcome = pending.outcome;
pending = null;
thankInPlace(outcome);
}
}
function submit() {
const found = answers();
const body = { response_id: responseId, lang: data.lang, answers: Object.assign({}, found.kept) };
all('.other input', form).forEach((input) => {
const text = input.value.trim();
if (text && [].concat(found.kept[input.name.split('.')[0]]).indexOf('other') >= 0) body.answers[input.name] = text;
});
const hidden = {};
all('input[type=hidden]:not([disabled])', form).forEach((input) => {
if (input.name === 'tp') body.tp = input.value;
else if (input.name.indexOf('hidden.') === 0) hidden[input.name.slice(7)] = input.value;
});
if (Object.keys(hidden).length) body.hidden = hidden;
if (form.elements.website && form.elements.website.value) body.website = form.elements.website.value;
pending = { id: responseId, outcome: outcomeOf(found.kept) };
store([body].concat(stored().filter((other) => other.response_id !== responseId)));
form.inert = true;
say(texts.sending);
attempt = 0;
flush();
}
function settle(reply) {
const outcome = (reply.json && reply.json.outcome) || pending.outcome;
pending = null;
if (reply.status < 300) {
say('');
if (kiosk) return thankInPlace(outcome);
const query = new URLSearchParams();
if (tp) query.set('tp', tp);
if (outcome) query.set('outcome', outcome);
location.href = data.thanks + (String(query) ? '?' + query : '');
return;
}
form.inert = reply.status === 410;
say('');
const errors = (reply.json && reply.json.errors) || [];
showErrors((errors.length ? errors : [{ field: '' }]).map((error) => ({
q: questions.filter((q) => String(error.field).split('.')[1] === q.dataset.question)[0],
text: error.localized || error.message || texts.problems.not_saved,
})));
}
let idle = 0;
let warning = 0;
let dirty = false;
function thankInPlace(outcome) {
form.hidden = true;
all('.intro').forEach((intro) => { intro.hidden = true; });
thanks.hidden = false;
showOutcome(thanks.querySelector('.outcome'), outcome);
thanks.focus();
clearTimeout(idle);
setTimeout(reset, settings.thanks_seconds * 1000);
}
function closeDialog() {
clearTimeout(warning);
if (dialog && dialog.hasAttribute('open')) {
if (dialog.close) dialog.close();
else dialog.removeAttribute('open');
}
}
function reset() {
clearTimeout(idle);
closeDialog();
form.reset();
responseId = newId();
dirty = false;
showErrors([]);
say('');
form.hidden = false;
form.inert = false;
thanks.hidden = true;
all('.intro').forEach((intro) => { intro.hidden = false; });
current = 0;
update();
doc.getElementById('main').focus();
root.scrollTo(0, 0);
}
function activity() {
if (!kiosk || !dirty || form.hidden || dialog.hasAttribute('open')) return;
clearTimeout(idle);
idle = setTimeout(() => {
if (dialog.showModal) dialog.showModal();
else dialog.setAttribute('open', '');
dialog.querySelector('button').focus();
warning = setTimeout(reset, settings.warning_seconds * 1000);
}, settings.idle_seconds * 1000);
}
if (kiosk) {
all('a[href]').forEach((link) => { if (!link.closest('.langs') && !link.classList.contains('skip')) link.removeAttribute('href'); });
['pointerdown', 'keydown', 'scroll', 'touchstart'].forEach((type) => root.addEventListener(type, activity, { capture: true, passive: true }));
const keepGoing = () => {
closeDialog();
activity();
};
dialog.querySelector('button').onclick = keepGoing;
dialog.addEventListener('cancel', (event) => {
event.preventDefault();
keepGoing();
});
}
const changed = () => {
dirty = true;
update();
activity();
};
form.addEventListener('input', changed);
form.addEventListener('change', changed);
form.addEventListener('submit', (event) => {
event.preventDefault();
advance();
});
function today() {
const parts = {};
try {
new Intl.DateTimeFormat('en', { timeZone: data.timezone, year: 'numeric', month: '2-digit', day: '2-digit' })
.formatToParts(new Date()).forEach((part) => { parts[part.type] = part.value; });
return parts.year + '-' + parts.month + '-' + parts.day;
} catch (error) {
return new Date().toISOString().slice(0, 10);
}
}
const date = today();
let shut = false;
all('[data-notice]').forEach((notice) => {
notice.hidden = !(notice.dataset.notice === 'closed' ? date > notice.dataset.date : date < notice.dataset.date);
shut = shut || !notice.hidden;
});
if (shut) all('input,textarea,button', form).forEach((field) => { field.disabled = true; });
update();
if (stored().length && !kiosk) say(texts.queued);
root.addEventListener('online', () => {
attempt = 0;
flush();
});
flush();
})(this, this.document);
