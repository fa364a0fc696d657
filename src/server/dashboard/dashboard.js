// The supervisor dashboard's page: reads its filters from the address, asks /dashboard/api/overview
// for figures, tables and chart options, and puts them on the screen as text (never as HTML: product
// and merchant names are customers' words). Charts are Apache ECharts, from the same options the
// server renders to PNG for Slack.
(function () {
  'use strict';
  var doc = document;
  var FILTERS = ['period', 'category', 'severity', 'channel'];
  var charts = {};

  function params() {
    var q = new URLSearchParams(location.search);
    var out = new URLSearchParams();
    FILTERS.concat(['lang']).forEach(function (k) { if (q.get(k)) out.set(k, q.get(k)); });
    return out;
  }

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function fillSelect(select, choices, allWord, value) {
    select.textContent = '';
    if (allWord !== null) {
      var all = el('option', '', allWord);
      all.value = '';
      select.appendChild(all);
    }
    choices.forEach(function (c) {
      var o = el('option', '', c.label);
      o.value = c.value;
      select.appendChild(o);
    });
    select.value = value || '';
  }

  function render(view) {
    doc.title = view.title;
    doc.getElementById('title').textContent = view.title;
    doc.querySelectorAll('[data-word]').forEach(function (n) {
      var w = view.words[n.getAttribute('data-word')];
      if (w) n.textContent = w;
    });
    var q = params();
    doc.getElementById('period').value = q.get('period') || view.range.label;
    fillSelect(doc.getElementById('category'), view.choices.category, view.words.all, view.filter.category);
    fillSelect(doc.getElementById('severity'), view.choices.severity, view.words.all, view.filter.severity);
    fillSelect(doc.getElementById('channel'), view.choices.channel, view.words.all, view.filter.channel);
    var by = doc.getElementById('by');
    fillSelect(by, view.choices.by, null, by.value || 'category');
    updateExport();

    var tiles = doc.getElementById('tiles');
    tiles.textContent = '';
    view.tiles.forEach(function (t) {
      var d = el('div', 'tile');
      d.setAttribute('data-tile', t.id);
      d.appendChild(el('div', 'label', t.label));
      d.appendChild(el('div', 'value', t.value));
      if (t.detail) d.appendChild(el('div', 'detail', t.detail));
      tiles.appendChild(d);
    });

    Object.keys(view.charts).forEach(function (id) {
      var node = doc.getElementById('chart-' + id);
      if (!node) return;
      charts[id] = charts[id] || echarts.init(node, null, { renderer: 'canvas' });
      charts[id].setOption(view.charts[id], true);
    });

    var tables = doc.getElementById('tables');
    tables.textContent = '';
    view.tables.forEach(function (t) {
      var box = el('div', 'table');
      box.id = 'table-' + t.id;
      box.appendChild(el('h2', '', t.title));
      if (t.note) box.appendChild(el('p', 'note', t.note));
      var table = el('table');
      var head = el('tr');
      t.columns.forEach(function (c) { head.appendChild(el('th', '', c)); });
      table.appendChild(head);
      t.rows.forEach(function (r) {
        var tr = el('tr');
        r.forEach(function (c) { tr.appendChild(el('td', '', c)); });
        table.appendChild(tr);
      });
      box.appendChild(table);
      tables.appendChild(box);
    });
    doc.body.setAttribute('data-loaded', view.range.label);
  }

  function updateExport() {
    var q = params();
    q.set('by', doc.getElementById('by').value || 'category');
    doc.getElementById('export').href = '/dashboard/export.csv?' + q.toString();
  }

  function load() {
    var status = doc.getElementById('status');
    status.textContent = '';
    doc.body.removeAttribute('data-loaded');
    fetch('/dashboard/api/overview?' + params().toString(), { credentials: 'same-origin' })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error((body && body.error && body.error.message) || res.statusText);
          return body;
        });
      })
      .then(render)
      .catch(function (err) {
        status.textContent = err.message;
        doc.body.setAttribute('data-error', err.message);
      });
  }

  doc.addEventListener('DOMContentLoaded', function () {
    doc.getElementById('filters').addEventListener('submit', function (e) {
      e.preventDefault();
      var q = new URLSearchParams();
      FILTERS.forEach(function (k) {
        var v = doc.getElementById(k).value.trim();
        if (v) q.set(k, v);
      });
      var lang = params().get('lang');
      if (lang) q.set('lang', lang);
      history.replaceState(null, '', '/dashboard' + (q.toString() ? '?' + q.toString() : ''));
      load();
    });
    doc.getElementById('by').addEventListener('change', updateExport);
    window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
    load();
  });
})();
