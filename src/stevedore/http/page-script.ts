/**
 * The status page's script, inline. It follows /v1/events from the id the page was rendered at
 * and changes rows in place (worst first), filters as the operator types, and writes only
 * text (textContent), never markup: instance output is not trusted.
 */
export function pageScript(orders: { serviceOrder: Record<string, number>; instanceOrder: Record<string, number> }): string {
  return `(function () {
'use strict';
var SERVICE_ORDER = ${JSON.stringify(orders.serviceOrder)}, INSTANCE_ORDER = ${JSON.stringify(orders.instanceOrder)};
var main = document.getElementById('services'), form = document.getElementById('filter');
var q = form.elements.q, stateChoice = form.elements.state, live = document.getElementById('live');
function utc(iso) { return iso.slice(0, 19).replace('T', ' ') + ' UTC'; }
function setTime(parent, iso) {
  var t = document.createElement('time'); t.dateTime = iso; t.textContent = utc(iso);
  parent.textContent = ''; parent.appendChild(t);
}
function setState(el, state) { el.setAttribute('data-state', state); el.textContent = state; }
function byData(parent, selector, key, value) {
  var list = parent.querySelectorAll(selector);
  for (var i = 0; i < list.length; i++) if (list[i].getAttribute(key) === value) return list[i];
  return null;
}
function td(cls, label) { var c = document.createElement('td'); if (cls) c.className = cls; c.setAttribute('data-label', label); return c; }
function newRow(name) {
  var tr = document.createElement('tr'); tr.setAttribute('data-instance', name);
  var n = td('name', 'Instance'); n.textContent = name; tr.appendChild(n);
  var s = td('', 'State'), badge = document.createElement('span'); badge.className = 'state'; s.appendChild(badge); tr.appendChild(s);
  tr.appendChild(td('since', 'Since')); tr.appendChild(td('exit', 'Exit')); tr.appendChild(td('output', 'Output'));
  return tr;
}
function sortChildren(parent, order, key) {
  var items = Array.prototype.slice.call(parent.children);
  items.sort(function (a, b) {
    return (order[a.getAttribute('data-state')] - order[b.getAttribute('data-state')]) || a.getAttribute(key).localeCompare(b.getAttribute(key));
  });
  items.forEach(function (item) { parent.appendChild(item); });
}
function contains(text, part) { return part === '' || text.toLowerCase().indexOf(part) >= 0; }
function applyFilter() {
  var text = q.value.trim().toLowerCase(), state = stateChoice.value;
  Array.prototype.forEach.call(main.children, function (section) {
    var nameMatches = contains(section.getAttribute('data-service'), text), any = false;
    var rows = section.querySelectorAll('tbody tr');
    Array.prototype.forEach.call(rows, function (row) {
      var shown = (nameMatches || contains(row.getAttribute('data-instance'), text)) && (state === '' || row.getAttribute('data-state') === state);
      row.hidden = !shown; any = any || shown;
    });
    section.hidden = !(any || (nameMatches && (state === '' || section.getAttribute('data-state') === state)));
    section.querySelector('.none').hidden = rows.length > 0;
  });
}
function summarise() {
  var counts = { ok: 0, starting: 0, failing: 0, stale: 0 }, total = 0, bad = 0;
  Array.prototype.forEach.call(main.querySelectorAll('tbody tr'), function (row) { counts[row.getAttribute('data-state')] = (counts[row.getAttribute('data-state')] || 0) + 1; total++; });
  Array.prototype.forEach.call(main.children, function (s) { var st = s.getAttribute('data-state'); if (st === 'failing' || st === 'degraded') bad++; });
  document.getElementById('summary').textContent = main.children.length + ' services, ' + total + ' instances: ' + counts.ok + ' ok' + (counts.starting > 0 ? ', ' + counts.starting + ' starting' : '') + ', ' + counts.failing + ' failing, ' + counts.stale + ' stale';
  document.title = (bad > 0 ? '(' + bad + ') ' : '') + 'stevedore';
}
function onChange(message) {
  var change = JSON.parse(message.data);
  var section = byData(main, 'section.service', 'data-service', change.service);
  if (section === null) { if (change.to !== null) location.reload(); return; }
  if (change.kind === 'service') {
    if (change.to === null) { section.remove(); }
    else { section.setAttribute('data-state', change.to); setState(section.querySelector('h2 .state'), change.to); setTime(section.querySelector('h2 .since'), change.at); section.querySelector('h2 .since').insertAdjacentText('afterbegin', 'since '); }
  } else {
    var tbody = section.querySelector('tbody'), row = byData(tbody, 'tr', 'data-instance', change.instance);
    if (change.to === null) { if (row) row.remove(); }
    else {
      if (row === null) { row = newRow(change.instance); tbody.appendChild(row); }
      row.setAttribute('data-state', change.to); setState(row.querySelector('.state'), change.to);
      setTime(row.querySelector('.since'), change.at);
      row.querySelector('.exit').textContent = String(change.exitCode);
      row.querySelector('.output').textContent = change.output;
      row.classList.remove('changed'); void row.offsetWidth; row.classList.add('changed');
    }
    sortChildren(tbody, INSTANCE_ORDER, 'data-instance');
  }
  sortChildren(main, SERVICE_ORDER, 'data-service');
  applyFilter(); summarise();
}
var events = new EventSource('/v1/events?after=' + encodeURIComponent(document.body.getAttribute('data-last-event-id')));
events.addEventListener('change', onChange);
// The changes missed are no longer kept: read the page again.
events.addEventListener('reset', function () { location.reload(); });
events.onopen = function () { live.textContent = 'live: changes appear as they happen'; };
events.onerror = function () { live.textContent = 'connection lost: reconnecting'; };
form.addEventListener('submit', function (e) {
  e.preventDefault(); applyFilter();
  history.replaceState(null, '', '?' + new URLSearchParams({ q: q.value, state: stateChoice.value }).toString());
});
q.addEventListener('input', applyFilter);
stateChoice.addEventListener('change', applyFilter);
})();
`;
}
