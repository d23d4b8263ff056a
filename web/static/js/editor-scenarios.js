/* The editor's Skenario tab (web/templates/process/editor_scenarios.html).
 *
 * The scenarios file is text in the editor's state (window.eskalasiEditor.state.scenarios),
 * sent with every validate, save and deploy. "Jalankan semua" posts the diagram, forms and
 * scenarios to the engine's runner and shows pass/fail per scenario with why, and the flows
 * no scenario takes (listed, and marked on the canvas). "Rekam" walks the draft: the engine
 * answers the steps ready after the steps so far, with their forms; the owner fills one,
 * and at the end the steps with the path and outcome become a new scenario.
 * No inline script or style: the CSP forbids them.
 */
(function () {
  'use strict';

  var NOT_TAKEN = 'scenario-not-taken';

  function byId(id) { return document.getElementById(id); }

  function format(message, values) {
    return String(message).replace(/%\((\w+)\)s/g, function (_, key) {
      return values && key in values ? String(values[key]) : '';
    });
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }

  function Tab(root, editor) {
    this.root = root;
    this.editor = editor;
    this.messages = JSON.parse(root.getAttribute('data-messages') || '{}');
    this.marked = [];
    this.chosen = -1; // the scenario open for editing, by its place in the file
    this.recorded = null; // the steps recorded so far, while recording
    this.last = null; // the engine's last answer while recording
  }

  Tab.prototype.t = function (key, values) {
    return format(this.messages[key] || key, values);
  };

  Tab.prototype.text = function () { return byId('scenario-json').value; };

  /* The scenario file as a document, or null (and the reason shown) when it is not JSON. */
  Tab.prototype.document = function () {
    var error = byId('scenario-json-error');
    error.hidden = true;
    if (!this.text().trim()) { return { scenarios: [] }; }
    try {
      var found = JSON.parse(this.text());
      if (found && typeof found === 'object' && Array.isArray(found.scenarios)) { return found; }
      throw new Error('"scenarios"');
    } catch (problem) {
      error.textContent = this.t('jsonInvalid', { error: problem.message });
      error.hidden = false;
      return null;
    }
  };

  Tab.prototype.loaded = function () {
    var text = this.editor.state.scenarios;
    byId('scenario-json').value = typeof text === 'string' ? text : '';
    this.list(null);
  };

  /* The text area is the scenarios: every change goes to the editor's state. */
  Tab.prototype.changed = function () {
    this.editor.state.scenarios = this.text();
    this.editor.dirty = true;
    this.list(null);
  };

  /* One line per scenario: its name, and after a run whether it passed and why not. */
  Tab.prototype.list = function (results) {
    var list = byId('scenario-list');
    var self = this;
    list.textContent = '';
    var found = {};
    (results || []).forEach(function (result) { found[result.name] = result; });
    var document_;
    try { document_ = JSON.parse(this.text() || '{"scenarios": []}'); } catch { document_ = null; }
    var names = document_ && Array.isArray(document_.scenarios)
      ? document_.scenarios.map(function (s) { return String((s && s.name) || '').trim(); })
      : (results || []).map(function (r) { return r.name; });
    if (!names.length) {
      list.appendChild(element('li', 'help', this.t('none')));
      return;
    }
    names.forEach(function (name, index) {
      var result = found[name];
      var item = element('li', result ? (result.passed ? 'scenario-passed' : 'scenario-failed') : '');
      item.setAttribute('data-scenario', name);
      if (result) {
        item.appendChild(element('span', 'scenario-result',
                                 result.passed ? self.t('passed') : self.t('failed')));
      }
      var edit = element('button', 'link scenario-name', name);
      edit.type = 'button';
      edit.addEventListener('click', function () { self.choose(index); });
      item.appendChild(edit);
      if (result && result.failure) {
        item.appendChild(element('span', 'scenario-failure', result.failure.message));
      }
      list.appendChild(item);
    });
  };

  /* Open one scenario of the file as JSON, to change or remove it. */
  Tab.prototype.choose = function (index) {
    var found = this.document();
    if (found === null || !found.scenarios[index]) { return; }
    this.chosen = index;
    byId('scenario-one').hidden = false;
    byId('scenario-one-error').hidden = true;
    byId('scenario-one-json').value = JSON.stringify(found.scenarios[index], null, 2);
    byId('scenario-one-json').focus();
  };

  /* Put the chosen scenario back into the file (changed), or take it out (null). */
  Tab.prototype.putBack = function (remove) {
    var found = this.document();
    var error = byId('scenario-one-error');
    if (found === null || !found.scenarios[this.chosen]) { return; }
    if (remove) {
      found.scenarios.splice(this.chosen, 1);
    } else {
      try {
        found.scenarios[this.chosen] = JSON.parse(byId('scenario-one-json').value);
      } catch (problem) {
        error.textContent = this.t('jsonInvalid', { error: problem.message });
        error.hidden = false;
        return;
      }
    }
    byId('scenario-json').value = JSON.stringify(found, null, 2) + '\n';
    this.close();
    this.changed();
  };

  Tab.prototype.close = function () {
    this.chosen = -1;
    byId('scenario-one').hidden = true;
  };

  Tab.prototype.unmark = function () {
    var canvas = this.editor.canvas;
    this.marked.forEach(function (id) { canvas.removeMarker(id, NOT_TAKEN); });
    this.marked = [];
  };

  Tab.prototype.coverage = function (coverage) {
    var self = this;
    var box = byId('scenario-coverage');
    var list = byId('scenario-not-taken');
    self.unmark();
    list.textContent = '';
    if (!coverage) { box.hidden = true; return; }
    box.hidden = false;
    byId('scenario-coverage-summary').textContent = coverage.summary.join(' · ') + ' ' +
      (coverage.not_taken.length ? self.t('notTaken') : self.t('allTaken'));
    coverage.not_taken.forEach(function (flow) {
      var item = element('li');
      item.setAttribute('data-flow', flow.id);
      var shape = self.editor.registry.get(flow.id);
      if (shape) {
        var link = element('button', 'link', flow.label);
        link.type = 'button';
        link.addEventListener('click', function () {
          self.editor.modeler.get('selection').select(shape);
          self.editor.canvas.scrollToElement(shape);
        });
        item.appendChild(link);
        self.editor.canvas.addMarker(flow.id, NOT_TAKEN);
        self.marked.push(flow.id);
      } else {
        item.textContent = flow.label;
      }
      list.appendChild(item);
    });
  };

  Tab.prototype.run = function () {
    var self = this;
    var summary = byId('scenario-summary');
    summary.textContent = '';
    if (self.document() === null) { return Promise.resolve(); }
    self.editor.state.scenarios = self.text();
    return self.editor.parts().then(function (parts) {
      return self.editor.request(self.root.getAttribute('data-run-url'), parts);
    }).then(function (answer) {
      if (!answer.ok) { throw new Error('run: ' + answer.status); }
      var data = answer.data;
      self.list(data.results);
      self.coverage(data.coverage);
      if (!data.diagram_ok) {
        summary.textContent = self.t('diagramProblems');
        self.editor.showProblems(data.problems);
        return;
      }
      var failed = data.results.filter(function (r) { return !r.passed; }).length;
      if (!data.results.length && data.problems.length) {
        summary.textContent = data.problems.map(function (p) {
          return (p.line ? p.line + ': ' : '') + p.message;
        }).join(' ');
      } else {
        summary.textContent = failed
          ? self.t('someFailed', { failed: failed, count: data.results.length })
          : self.t('allPassed', { count: data.results.length });
      }
      summary.setAttribute('data-ok', data.ok ? 'true' : 'false');
    }).catch(function (error) {
      if (window.console) { window.console.error(error); }
      summary.textContent = self.t('runFailed');
    });
  };

  /* --- the recorder ------------------------------------------------------------------- */

  Tab.prototype.record = function () {
    this.recorded = [];
    byId('scenario-recorder').hidden = false;
    byId('recorder-steps').textContent = '';
    byId('recorder-name').value = '';
    byId('recorder-status').textContent = this.t('recording');
    return this.ask();
  };

  Tab.prototype.stop = function () {
    this.recorded = null;
    this.last = null;
    byId('scenario-recorder').hidden = true;
    byId('recorder-ready').textContent = '';
  };

  /* Ask the engine what is ready after the recorded steps, and show those steps' forms. */
  Tab.prototype.ask = function () {
    var self = this;
    var status = byId('recorder-status');
    var asked = self.asked = (self.asked || 0) + 1;
    return self.editor.parts().then(function (parts) {
      parts.steps = self.recorded;
      return self.editor.request(self.root.getAttribute('data-next-url'), parts);
    }).then(function (answer) {
      if (asked !== self.asked || self.recorded === null) { return; } // a newer question
      if (!answer.ok) { throw new Error('next steps: ' + answer.status); }
      var data = answer.data;
      if (data.problems.length) {
        status.textContent = self.t('diagramProblems');
        self.editor.showProblems(data.problems);
        return;
      }
      if (data.failure) { // the last step was refused: take it back, say why
        self.recorded.pop();
        return self.ask().then(function () {
          status.textContent = self.t('stepFailed', { error: data.failure.message });
        });
      }
      self.last = data;
      self.showSteps();
      self.showReady(data.ready);
      status.textContent = data.closed ? self.t('finished')
        : (data.ready.length ? self.t('recording') : self.t('waiting'));
    }).catch(function (error) {
      if (window.console) { window.console.error(error); }
      status.textContent = self.t('runFailed');
    });
  };

  Tab.prototype.showSteps = function () {
    var list = byId('recorder-steps');
    list.textContent = '';
    this.recorded.forEach(function (step) {
      list.appendChild(element('li', '', String(step.sop_step) + ' ' +
                               JSON.stringify(step.data)));
    });
  };

  /* One input per field of a form (its JSON Schema's properties). */
  Tab.prototype.field = function (form, name, schema, prefix) {
    var wrap = element('div', 'field');
    var id = prefix + '-' + name;
    var label = element('label', '', (schema.title || name) +
                        ((form.required || []).indexOf(name) !== -1 ? ' *' : ''));
    label.htmlFor = id;
    var input;
    if (Array.isArray(schema.enum)) {
      input = element('select');
      input.appendChild(element('option', '', ''));
      schema.enum.forEach(function (choice) {
        var option = element('option', '', String(choice));
        option.value = JSON.stringify(choice);
        input.appendChild(option);
      });
    } else if (schema.type === 'boolean') {
      input = element('input');
      input.type = 'checkbox';
      wrap.appendChild(input);
      wrap.appendChild(label);
      input.id = id;
      input.setAttribute('data-field', name);
      input.setAttribute('data-kind', 'boolean');
      return wrap;
    } else if (schema.type === 'integer' || schema.type === 'number') {
      input = element('input');
      input.type = 'number';
    } else if (schema.type === 'string' && (schema.maxLength || 0) <= 200 && !schema.format) {
      input = element('input');
      input.type = 'text';
    } else {
      input = element('textarea');
      input.rows = 2;
    }
    input.id = id;
    input.setAttribute('data-field', name);
    input.setAttribute('data-kind', Array.isArray(schema.enum) ? 'choice' : (schema.type || 'string'));
    wrap.appendChild(label);
    wrap.appendChild(input);
    return wrap;
  };

  Tab.prototype.showReady = function (ready) {
    var self = this;
    var box = byId('recorder-ready');
    box.textContent = '';
    var steps = {};
    ready.forEach(function (step) { steps[step.sop_step] = (steps[step.sop_step] || 0) + 1; });
    ready.forEach(function (step, index) {
      var form = element('form', 'recorder-step-form');
      form.setAttribute('data-sop-step', String(step.sop_step));
      form.appendChild(element('h4', '', self.t('nextStep', { step: step.sop_step, name: step.name })));
      var properties = (step.form && step.form.properties) || {};
      Object.keys(properties).forEach(function (name) {
        form.appendChild(self.field(step.form, name, properties[name], 'rec-' + index));
      });
      var next = element('button', 'button primary', self.t('next'));
      next.type = 'submit';
      form.appendChild(next);
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        var recorded = { sop_step: step.sop_step, data: self.answers(form) };
        if (steps[step.sop_step] > 1) { recorded.task = step.task; }
        self.recorded.push(recorded);
        self.ask();
      });
      box.appendChild(form);
    });
  };

  /* A step form's answers: empty fields left out, numbers and choices as their JSON type. */
  Tab.prototype.answers = function (form) {
    var data = {};
    form.querySelectorAll('[data-field]').forEach(function (input) {
      var name = input.getAttribute('data-field');
      var kind = input.getAttribute('data-kind');
      if (kind === 'boolean') { data[name] = input.checked; return; }
      if (input.value === '') { return; }
      if (kind === 'choice') { data[name] = JSON.parse(input.value); return; }
      if (kind === 'integer' || kind === 'number') { data[name] = Number(input.value); return; }
      data[name] = input.value;
    });
    return data;
  };

  /* The recorded steps, with the path and outcome they produced, as a new scenario. */
  Tab.prototype.saveRecording = function () {
    var name = byId('recorder-name');
    var found = this.document();
    if (found === null || !this.last || !this.recorded.length) { return; }
    var wanted = name.value.trim();
    var taken = found.scenarios.some(function (s) { return s && s.name === wanted; });
    name.setCustomValidity(!wanted ? this.t('recordName') : (taken ? this.t('nameTaken') : ''));
    if (!name.reportValidity()) { return; }
    var expect = { path: this.last.path, outcome: this.last.closed ? 'closed' : 'open' };
    if (!this.last.closed) {
      expect.waiting_at = this.last.ready.map(function (s) { return s.sop_step; })
        .filter(function (n) { return n; }).sort(function (a, b) { return a - b; });
    }
    found.scenarios.push({ name: wanted, steps: this.recorded, expect: expect });
    byId('scenario-json').value = JSON.stringify(found, null, 2) + '\n';
    this.changed();
    this.stop();
    byId('scenario-summary').textContent = this.t('recordSaved', { name: wanted });
  };

  Tab.prototype.bind = function () {
    var self = this;
    byId('scenario-json').addEventListener('input', function () { self.changed(); });
    byId('scenario-run').addEventListener('click', function () { self.run(); });
    byId('scenario-record').addEventListener('click', function () { self.record(); });
    byId('recorder-save').addEventListener('click', function () { self.saveRecording(); });
    byId('recorder-cancel').addEventListener('click', function () { self.stop(); });
    byId('scenario-one-apply').addEventListener('click', function () { self.putBack(false); });
    byId('scenario-one-remove').addEventListener('click', function () { self.putBack(true); });
    byId('scenario-one-close').addEventListener('click', function () { self.close(); });
    byId('recorder-name').addEventListener('input', function () {
      byId('recorder-name').setCustomValidity('');
    });
  };

  function start() {
    var root = byId('scenarios');
    var editor = window.eskalasiEditor;
    if (!root || !editor) { return; }
    var tab = new Tab(root, editor);
    tab.bind();
    window.eskalasiScenarios = tab;
    if (byId('canvas').getAttribute('data-ready') === 'true') { tab.loaded(); }
    document.addEventListener('eskalasi:editor-loaded', function () { tab.loaded(); });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
