/* The process owner's editor: the bpmn-js Modeler (from npm, served by the app) with a small
 * properties panel for what this application reads from each element (name, SOP step, lane,
 * form and its JSON Schema, time limit, Mutu Baku, output, remarks; conditions on decision
 * flows), validation with a marker on each element that has a problem, drafts and deploying.
 *
 * Extension values are `spiffworkflow:property` entries, edited through the Modeler's own
 * commands (modeling.updateProperties / updateModdleProperties) so undo works. No inline
 * script or style: the CSP forbids them. Sets data-ready="true" on #canvas when drawn.
 */
(function () {
  'use strict';

  var SPIFF = {
    name: 'SpiffWorkflow',
    uri: 'http://spiffworkflow.org/bpmn/schema/1.0/core',
    prefix: 'spiffworkflow',
    xml: { tagAlias: 'lowerCase' },
    associations: [],
    types: [
      {
        name: 'Properties',
        superClass: ['Element'],
        properties: [{ name: 'properties', type: 'Property', isMany: true }]
      },
      {
        name: 'Property',
        superClass: ['Element'],
        properties: [
          { name: 'name', isAttr: true, type: 'String' },
          { name: 'value', isAttr: true, type: 'String' }
        ]
      }
    ]
  };
  var TASKS = ['bpmn:UserTask', 'bpmn:ManualTask', 'bpmn:Task'];
  var NEW_FORM = '\u0000new';
  var FORM_NAME = /^[A-Za-z0-9_.-]{1,100}\.json$/;
  var PROBLEM_MARKER = 'has-problem';

  function byId(id) { return document.getElementById(id); }

  function format(message, values) {
    return String(message).replace(/%\((\w+)\)s/g, function (_, key) {
      return values && key in values ? String(values[key]) : '';
    });
  }

  function Editor(root) {
    this.root = root;
    this.messages = JSON.parse(root.getAttribute('data-messages') || '{}');
    // The engine's time-limit grammar, served by the page: the script keeps no copy of it.
    this.grammar = JSON.parse(root.getAttribute('data-time-limit'));
    this.timeLimit = new RegExp(this.grammar.pattern);
    this.timeLimitInput = new RegExp(this.grammar.inputPattern, this.grammar.inputFlags);
    this.csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
    this.canvasElement = byId('canvas');
    this.state = { forms: {}, draftId: null, revision: null, baseVersionId: null };
    this.selected = null;
    this.problemIds = [];
    this.dirty = false;
  }

  /* A limit as people type it ("2 hari", "4 jam", "4h") in the one stored form ("2d", "4h");
   * '' for none; null when it is not a limit. The same grammar the engine parses with. */
  Editor.prototype.canonicalLimit = function (text) {
    if (!text.trim()) { return ''; }
    var found = this.timeLimitInput.exec(text);
    if (!found) { return null; }
    var unit = this.grammar.words[found[2].toLowerCase().split(/ +/).join(' ')];
    return unit ? String(parseInt(found[1], 10)) + unit : null;
  };

  /* A stored limit in words ("2d" -> "2 hari kerja"); anything else as it is. */
  Editor.prototype.limitWords = function (canonical) {
    var found = /^([0-9]+)([a-z])$/.exec(canonical || '');
    return found && this.grammar.labels[found[2]]
      ? found[1] + ' ' + this.grammar.labels[found[2]] : (canonical || '');
  };

  Editor.prototype.t = function (key, values) {
    return format(this.messages[key] || key, values);
  };

  Editor.prototype.status = function (text, kind) {
    var status = byId('editor-status');
    status.textContent = text || '';
    status.className = 'editor-status' + (kind ? ' editor-status-' + kind : '');
  };

  Editor.prototype.request = function (url, body) {
    return window.fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-CSRFToken': this.csrf
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.text().then(function (text) {
        var data;
        try { data = JSON.parse(text); } catch { data = null; } // not JSON: no data
        return { status: response.status, ok: response.ok, data: data || {} };
      });
    });
  };

  Editor.prototype.start = function () {
    var self = this;
    var modules = [];
    if ((document.documentElement.lang || 'id').slice(0, 2) === 'id' &&
        window.eskalasiTranslateModule) {
      modules.push(window.eskalasiTranslateModule); // palette and context pad in Indonesian
    }
    self.modeler = new window.BpmnJS({
      container: self.canvasElement,
      moddleExtensions: { spiffworkflow: SPIFF },
      additionalModules: modules,
      // Arrows, Ctrl+Z, Delete... once the canvas has focus (it is focusable and takes the
      // keys itself since diagram-js 15: the old `bindTo: document` is refused there).
      keyboard: { bind: true }
    });
    self.modeling = self.modeler.get('modeling');
    self.moddle = self.modeler.get('moddle');
    self.registry = self.modeler.get('elementRegistry');
    self.canvas = self.modeler.get('canvas');
    self.designer = new window.EskalasiFormDesigner(byId('form-designer'), self.messages,
                                                    function (text) { self.designed(text); });
    self.bindPanel();
    self.bindActions();
    var eventBus = self.modeler.get('eventBus');
    eventBus.on('selection.changed', function (event) {
      self.select(event.newSelection.length === 1 ? event.newSelection[0] : null);
      var picked = event.newSelection.length === 1 ? event.newSelection[0] : null;
      byId('element-picker').value = picked ? picked.id : '';
    });
    eventBus.on('elements.changed', function (event) {
      self.dirty = true;
      self.listElementsSoon();
      if (self.selected && event.elements.indexOf(self.selected) !== -1) {
        self.fill(self.selected);
      }
    });
    self.canvasElement.setAttribute('data-ready', 'loading');
    return window.fetch(self.root.getAttribute('data-source'), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (!response.ok) { throw new Error('GET data: ' + response.status); }
      return response.json();
    }).then(function (data) {
      self.state.forms = data.forms || {};
      self.state.draftId = data.draft_id;
      self.state.revision = data.revision;
      self.state.baseVersionId = data.base_version_id;
      self.state.scenarios = typeof data.scenarios === 'string' ? data.scenarios : null;
      if (!byId('draft-name').value) { byId('draft-name').value = data.name || ''; }
      return self.modeler.importXML(data.xml);
    }).then(function () {
      self.overview();
      self.listElements();
      self.dirty = false;
      self.canvasElement.setAttribute('data-ready', 'true');
      // The Skenario tab (editor-scenarios.js) shows the scenarios once they are here.
      document.dispatchEvent(new window.CustomEvent('eskalasi:editor-loaded'));
    }).catch(function (error) {
      if (window.console) { window.console.error('process editor:', error); }
      self.canvasElement.setAttribute('data-ready', 'error');
      self.status(self.t('loadFailed'), 'error');
    });
  };

  /* Readable at once: the pool's top left corner just right of the palette, at a zoom
   * that shows its full height when that is not too small. */
  Editor.prototype.overview = function () {
    var canvas = this.canvas;
    var pools = this.registry.filter(function (e) { return e.type === 'bpmn:Participant'; });
    var box = pools.length ? pools[0] : canvas.getRootElement();
    var size = canvas.getSize();
    var scale = Math.max(0.6, Math.min(1, (size.height - 40) / (box.height || size.height)));
    canvas.viewbox({
      x: (box.x || 0) - 90 / scale,
      y: (box.y || 0) - 20 / scale,
      width: size.width / scale,
      height: size.height / scale
    });
  };

  /* --- choosing an element from the keyboard --------------------------------------- */

  /* The diagram's steps, events, gateways and flows as a list beside the canvas: choosing
   * one selects it on the diagram and moves the focus to its properties. */
  Editor.prototype.listElements = function () {
    var self = this;
    var picker = byId('element-picker');
    var chosen = picker.value;
    var elements = self.registry.filter(function (e) {
      return e.type !== 'label' && self.kindOf(e) && self.kindOf(e) !== 'other';
    });
    elements.sort(function (a, b) {
      var flowA = a.waypoints ? 1 : 0;
      var flowB = b.waypoints ? 1 : 0;
      return flowA - flowB || (a.x || 0) - (b.x || 0) || (a.y || 0) - (b.y || 0);
    });
    picker.textContent = '';
    var none = document.createElement('option');
    none.value = '';
    none.textContent = self.t('pickElement');
    picker.appendChild(none);
    elements.forEach(function (e) {
      var option = document.createElement('option');
      var name = (e.businessObject.name || '').replace(/\s+/g, ' ').trim();
      option.value = e.id;
      option.textContent = (name || e.id) + ' (' + self.typeName(e.type) + ')';
      picker.appendChild(option);
    });
    picker.value = chosen && self.registry.get(chosen) ? chosen : '';
  };

  /* "bpmn:UserTask" as the palette says it ("Tugas pengguna" in Indonesian). */
  Editor.prototype.typeName = function (type) {
    var words = type.replace('bpmn:', '').replace(/([a-z])([A-Z])/g, '$1 $2');
    return this.modeler.get('translate')(words.charAt(0) + words.slice(1).toLowerCase());
  };

  Editor.prototype.listElementsSoon = function () {
    var self = this;
    window.clearTimeout(self.listTimer);
    self.listTimer = window.setTimeout(function () { self.listElements(); }, 300);
  };

  Editor.prototype.pick = function (id) {
    var element = id ? this.registry.get(id) : null;
    if (!element) { return; }
    this.modeler.get('selection').select(element);
    this.canvas.scrollToElement(element);
    byId('prop-name').focus();
  };

  /* --- extension properties ------------------------------------------------------- */

  Editor.prototype.propertyList = function (bo) {
    var ext = bo.get('extensionElements');
    if (!ext) { return null; }
    var found = (ext.get('values') || []).filter(function (value) {
      return value.$instanceOf('spiffworkflow:Properties');
    });
    return found.length ? found[0] : null;
  };

  Editor.prototype.getProperty = function (element, name) {
    var list = this.propertyList(element.businessObject);
    if (!list) { return ''; }
    var found = (list.get('properties') || []).filter(function (p) { return p.name === name; });
    return found.length ? (found[0].value || '') : '';
  };

  Editor.prototype.setProperty = function (element, name, value) {
    var bo = element.businessObject;
    var moddle = this.moddle;
    var modeling = this.modeling;
    value = (value || '').trim();
    var ext = bo.get('extensionElements');
    if (!ext) {
      if (!value) { return; }
      ext = moddle.create('bpmn:ExtensionElements', { values: [] });
      ext.$parent = bo;
      modeling.updateProperties(element, { extensionElements: ext });
    }
    var list = this.propertyList(bo);
    if (!list) {
      if (!value) { return; }
      list = moddle.create('spiffworkflow:Properties', { properties: [] });
      list.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: ext.get('values').concat([list]) });
    }
    var entries = list.get('properties') || [];
    var existing = entries.filter(function (p) { return p.name === name; })[0];
    if (existing && !value) {
      modeling.updateModdleProperties(element, list, {
        properties: entries.filter(function (p) { return p !== existing; })
      });
    } else if (existing) {
      if (existing.value !== value) {
        modeling.updateModdleProperties(element, existing, { value: value });
      }
    } else if (value) {
      var entry = moddle.create('spiffworkflow:Property', { name: name, value: value });
      entry.$parent = list;
      modeling.updateModdleProperties(element, list, { properties: entries.concat([entry]) });
    }
  };

  /* --- the panel -------------------------------------------------------------------- */

  Editor.prototype.kindOf = function (element) {
    if (!element || element.type === 'label') { return null; }
    var type = element.type;
    if (type === 'bpmn:SequenceFlow') {
      var source = element.businessObject.sourceRef;
      return source && source.$type === 'bpmn:ExclusiveGateway' ? 'decision-flow' : 'flow';
    }
    if (TASKS.indexOf(type) !== -1) { return 'task'; }
    if (/Event$|Gateway$|Task$/.test(type)) { return 'node'; }
    return 'other';
  };

  Editor.prototype.lanes = function () {
    return this.registry.filter(function (e) { return e.type === 'bpmn:Lane'; });
  };

  Editor.prototype.laneOf = function (element) {
    var bo = element.businessObject;
    var found = this.lanes().filter(function (lane) {
      return (lane.businessObject.get('flowNodeRef') || []).indexOf(bo) !== -1;
    });
    return found.length ? found[0] : null;
  };

  Editor.prototype.select = function (element) {
    if (element && element.type === 'label') { element = element.labelTarget; }
    this.selected = element;
    var kind = this.kindOf(element);
    byId('prop-empty').hidden = !!kind;
    byId('prop-form').hidden = !kind;
    if (kind) { this.fill(element); }
  };

  Editor.prototype.fill = function (element) {
    var self = this;
    var kind = self.kindOf(element);
    var bo = element.businessObject;
    Array.prototype.forEach.call(document.querySelectorAll('#prop-form [data-for]'), function (el) {
      var wanted = el.getAttribute('data-for');
      el.hidden = !(wanted === 'all' || wanted === kind || (wanted === 'node' && kind === 'task'));
    });
    byId('prop-type').textContent = element.type.replace('bpmn:', '');
    byId('prop-id').textContent = element.id;
    setValue(byId('prop-name'), bo.name || '');
    Array.prototype.forEach.call(document.querySelectorAll('#prop-form [data-property]'), function (el) {
      setValue(el, self.getProperty(element, el.getAttribute('data-property')));
    });
    setValue(byId('prop-timeLimit'), self.limitWords(self.getProperty(element, 'timeLimit')));
    byId('prop-timeLimit-error').hidden = true;
    if (kind === 'node' || kind === 'task') { self.fillLanes(element); }
    if (kind === 'task') { self.fillForms(element); }
    if (kind === 'decision-flow') {
      var condition = bo.conditionExpression;
      setValue(byId('prop-condition'), condition ? condition.body || '' : '');
      byId('prop-default').checked = bo.sourceRef.default === bo;
    }
  };

  function setValue(field, value) {
    if (document.activeElement !== field) { field.value = value; }
  }

  Editor.prototype.fillLanes = function (element) {
    var select = byId('prop-lane');
    var current = this.laneOf(element);
    select.textContent = '';
    this.lanes().forEach(function (lane) {
      var option = document.createElement('option');
      option.value = lane.id;
      option.textContent = lane.businessObject.name || lane.id;
      option.selected = current === lane;
      select.appendChild(option);
    });
  };

  Editor.prototype.fillForms = function (element) {
    var select = byId('prop-form-name');
    var chosen = this.getProperty(element, 'formJsonSchemaFilename');
    var names = Object.keys(this.state.forms).sort();
    if (chosen && names.indexOf(chosen) === -1) { names.push(chosen); }
    select.textContent = '';
    var options = [['', this.t('noForm')]].concat(names.map(function (n) { return [n, n]; }));
    options.push([NEW_FORM, this.t('newForm')]);
    options.forEach(function (pair) {
      var option = document.createElement('option');
      option.value = pair[0];
      option.textContent = pair[1];
      option.selected = pair[0] === chosen;
      select.appendChild(option);
    });
    var schema = byId('prop-form-schema');
    schema.disabled = !chosen;
    setValue(schema, chosen ? (this.state.forms[chosen] || '') : '');
    this.checkForm();
    if (!byId('form-designer').contains(document.activeElement)) {
      this.designer.load(chosen ? (this.state.forms[chosen] || '') : '', this.sourcesFor(chosen));
    }
  };

  /* Fields of the other forms: where a field may be pre-filled from (x-prefill-from). */
  Editor.prototype.sourcesFor = function (formName) {
    var forms = this.state.forms;
    var names = [];
    Object.keys(forms).sort().forEach(function (name) {
      if (name === formName) { return; }
      var schema;
      try { schema = JSON.parse(forms[name]); } catch { return; } // the JSON tab says why
      Object.keys((schema && schema.properties) || {}).forEach(function (field) {
        if (names.indexOf(field) === -1) { names.push(field); }
      });
    });
    return names;
  };

  /* The designer wrote the schema: the JSON text and the draft follow. */
  Editor.prototype.designed = function (text) {
    var name = byId('prop-form-name').value;
    if (!name || name === NEW_FORM) { return; }
    byId('prop-form-schema').value = text;
    this.state.forms[name] = text;
    this.dirty = true;
    this.checkForm();
  };

  Editor.prototype.showFormTab = function (which) {
    ['designer', 'json'].forEach(function (tab) {
      var button = byId('tab-' + tab);
      var chosen = tab === which;
      button.setAttribute('aria-selected', chosen ? 'true' : 'false');
      button.tabIndex = chosen ? 0 : -1;
      byId('form-' + tab).hidden = !chosen;
    });
  };

  Editor.prototype.checkForm = function () {
    var text = byId('prop-form-schema').value;
    var error = byId('prop-form-error');
    error.hidden = true;
    if (!text || byId('prop-form-schema').disabled) { return; }
    try {
      JSON.parse(text);
    } catch (problem) {
      error.textContent = this.t('formJsonInvalid', { error: problem.message });
      error.hidden = false;
    }
  };

  /* A step's boundary timer is labelled with its limit ("Batas waktu 2 hari kerja"): keep
   * the label saying the limit the step now has, whatever it said before ("Batas waktu 4h",
   * "Batas waktu 2 har"). Labels an owner wrote otherwise are left alone. */
  Editor.prototype.renameTimers = function (element, limit) {
    var modeling = this.modeling;
    var words = this.limitWords(limit);
    (element.attachers || []).forEach(function (timer) {
      var bo = timer.businessObject;
      var isTimer = (bo.eventDefinitions || []).some(function (d) {
        return d.$type === 'bpmn:TimerEventDefinition';
      });
      var wanted = words ? 'Batas waktu ' + words : 'Batas waktu';
      if (isTimer && /^Batas waktu(\s.*)?$/.test(bo.name || '') && bo.name !== wanted) {
        modeling.updateProperties(timer, { name: wanted });
      }
    });
  };

  /* The time limit as typed ("2 hari"): stored as "2d", shown as "2 hari kerja", drawn on
   * the timer's label; what is not a limit is said next to the field and not stored. */
  Editor.prototype.changeLimit = function (element, field) {
    var canonical = this.canonicalLimit(field.value);
    var error = byId('prop-timeLimit-error');
    if (canonical === null || (canonical && !this.timeLimit.test(canonical))) {
      error.textContent = this.t('timeLimitInvalid');
      error.hidden = false;
      field.setAttribute('aria-invalid', 'true');
      return;
    }
    error.hidden = true;
    field.removeAttribute('aria-invalid');
    this.setProperty(element, 'timeLimit', canonical);
    this.renameTimers(element, canonical);
    field.value = this.limitWords(canonical);
    field.setAttribute('data-stored', canonical);
  };

  Editor.prototype.moveToLane = function (element, laneId) {
    var lane = this.registry.get(laneId);
    if (!lane || this.laneOf(element) === lane) { return; }
    var dy = lane.y + lane.height / 2 - (element.y + element.height / 2);
    this.modeling.moveElements([element], { x: 0, y: dy });
  };

  Editor.prototype.bindPanel = function () {
    var self = this;
    function when(id, event, handler) {
      byId(id).addEventListener(event, function () {
        if (self.selected) { handler(self.selected, byId(id)); }
      });
    }
    when('prop-name', 'change', function (element, field) {
      self.modeling.updateProperties(element, { name: field.value.trim() || undefined });
    });
    Array.prototype.forEach.call(document.querySelectorAll('#prop-form [data-property]'), function (field) {
      field.addEventListener('change', function () {
        if (!self.selected) { return; }
        var name = field.getAttribute('data-property');
        if (name === 'timeLimit') { self.changeLimit(self.selected, field); return; }
        self.setProperty(self.selected, name, field.value);
      });
    });
    when('prop-lane', 'change', function (element, field) { self.moveToLane(element, field.value); });
    when('prop-form-name', 'change', function (element, field) {
      var name = field.value;
      if (name === NEW_FORM) {
        name = (window.prompt(self.t('formName')) || '').trim();
        if (!name) { self.fillForms(element); return; }
        if (!FORM_NAME.test(name)) {
          window.alert(self.t('formNameInvalid'));
          self.fillForms(element);
          return;
        }
        if (!(name in self.state.forms)) {
          self.state.forms[name] = JSON.stringify({
            title: element.businessObject.name || name, type: 'object', properties: {}
          }, null, 2);
        }
      }
      self.setProperty(element, 'formJsonSchemaFilename', name);
      self.fillForms(element);
    });
    byId('prop-form-schema').addEventListener('input', function () {
      var name = byId('prop-form-name').value;
      if (name && name !== NEW_FORM) {
        self.state.forms[name] = byId('prop-form-schema').value;
        self.dirty = true;
        self.designer.load(self.state.forms[name], self.sourcesFor(name));
      }
      self.checkForm();
    });
    ['designer', 'json'].forEach(function (tab) {
      byId('tab-' + tab).addEventListener('click', function () { self.showFormTab(tab); });
      byId('tab-' + tab).addEventListener('keydown', function (event) {
        if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
          var other = tab === 'designer' ? 'json' : 'designer';
          self.showFormTab(other);
          byId('tab-' + other).focus();
        }
      });
    });
    byId('element-picker').addEventListener('change', function () {
      self.pick(byId('element-picker').value);
    });
    when('prop-condition', 'change', function (element, field) {
      var text = field.value.trim();
      var expression;
      if (text) {
        expression = self.moddle.create('bpmn:FormalExpression', { body: text });
      }
      self.modeling.updateProperties(element, { conditionExpression: expression });
    });
    when('prop-default', 'change', function (element, field) {
      var gateway = self.registry.get(element.businessObject.sourceRef.id);
      var current = element.businessObject.sourceRef.default;
      if (field.checked) {
        self.modeling.updateProperties(gateway, { 'default': element.businessObject });
      } else if (current === element.businessObject) {
        self.modeling.updateProperties(gateway, { 'default': undefined });
      }
    });
    byId('prop-form').addEventListener('submit', function (event) { event.preventDefault(); });
  };

  /* --- validate, save, deploy ---------------------------------------------------------- */

  Editor.prototype.parts = function () {
    var self = this;
    // A field being typed in is saved by its change event: blur it first.
    if (document.activeElement && byId('prop-form').contains(document.activeElement)) {
      document.activeElement.blur();
    }
    return self.modeler.saveXML({ format: true }).then(function (result) {
      return { xml: result.xml, forms: self.state.forms, scenarios: self.state.scenarios };
    });
  };

  Editor.prototype.shapeFor = function (id) {
    if (!id) { return null; }
    var found = this.registry.get(id);
    if (found) { return found; }
    // The process itself is drawn as its pool (participant).
    var pools = this.registry.filter(function (e) {
      return e.type === 'bpmn:Participant' && e.businessObject.processRef &&
        e.businessObject.processRef.id === id;
    });
    return pools.length ? pools[0] : null;
  };

  Editor.prototype.clearProblems = function () {
    var self = this;
    var overlays = self.modeler.get('overlays');
    overlays.remove({ type: 'problem' });
    self.problemIds.forEach(function (id) { self.canvas.removeMarker(id, PROBLEM_MARKER); });
    self.problemIds = [];
  };

  Editor.prototype.showProblems = function (problems) {
    var self = this;
    var overlays = self.modeler.get('overlays');
    var list = byId('problem-list');
    var counts = {};
    self.clearProblems();
    list.textContent = '';
    byId('problems').hidden = false;
    byId('problems-summary').textContent = problems.length
      ? self.t('problems', { count: problems.length }) : self.t('valid');
    byId('problems').className = 'panel problems' + (problems.length ? ' has-problems' : ' is-valid');
    problems.forEach(function (problem) {
      var shape = self.shapeFor(problem.element);
      var item = document.createElement('li');
      item.setAttribute('data-element', problem.element || '');
      var where = [];
      if (problem.file) { where.push(problem.file); }
      if (shape) { where.push(shape.businessObject.name || shape.id); }
      if (problem.line) { where.push(self.t('line', { line: problem.line })); }
      var place = document.createElement('span');
      place.className = 'problem-where';
      place.textContent = where.join(' · ');
      var text = document.createElement('span');
      text.className = 'problem-message';
      text.textContent = problem.message;
      if (shape) {
        var link = document.createElement('button');
        link.type = 'button';
        link.className = 'link problem-link';
        link.appendChild(place);
        link.addEventListener('click', function () {
          self.modeler.get('selection').select(shape);
          self.canvas.scrollToElement(shape);
        });
        item.appendChild(link);
      } else {
        item.appendChild(place);
      }
      item.appendChild(document.createTextNode(' '));
      item.appendChild(text);
      list.appendChild(item);
      if (shape && shape.type !== 'bpmn:Participant') {
        if (self.problemIds.indexOf(shape.id) === -1) {
          self.canvas.addMarker(shape.id, PROBLEM_MARKER);
          self.problemIds.push(shape.id);
        }
        counts[shape.id] = (counts[shape.id] || 0) + 1;
      }
    });
    Object.keys(counts).forEach(function (id) {
      var badge = document.createElement('span');
      badge.className = 'problem-badge';
      badge.textContent = '!';
      badge.title = String(counts[id]);
      overlays.add(id, 'problem', { position: { top: -8, left: -8 }, html: badge });
    });
  };

  Editor.prototype.validate = function () {
    var self = this;
    self.status('');
    return self.parts().then(function (parts) {
      return self.request(self.root.getAttribute('data-validate-url'), parts);
    }).then(function (answer) {
      if (!answer.ok) { throw new Error('validate: ' + answer.status); }
      self.showProblems(answer.data.problems || []);
    }).catch(function (error) {
      if (window.console) { window.console.error(error); }
      self.status(self.t('validateFailed'), 'error');
    });
  };

  Editor.prototype.save = function () {
    var self = this;
    var url = self.root.getAttribute('data-create-url');
    if (self.state.draftId) { url += '/' + self.state.draftId; }
    return self.parts().then(function (parts) {
      parts.name = byId('draft-name').value.trim() || byId('draft-name').placeholder || '-';
      parts.revision = self.state.revision;
      parts.base_version_id = self.state.baseVersionId;
      return self.request(url, parts);
    }).then(function (answer) {
      if (answer.status === 409) { self.status(self.t('conflict'), 'error'); return; }
      if (!answer.ok) { self.status(answer.data.message || self.t('saveFailed'), 'error'); return; }
      self.state.draftId = answer.data.id;
      self.state.revision = answer.data.revision;
      self.dirty = false;
      if (window.history && window.location.pathname !== answer.data.url) {
        window.history.replaceState(null, '', answer.data.url);
      }
      self.status(self.t('saved'), 'ok');
    }).catch(function (error) {
      if (window.console) { window.console.error(error); }
      self.status(self.t('saveFailed'), 'error');
    });
  };

  Editor.prototype.deploy = function () {
    var self = this;
    var note = byId('deploy-note');
    var result = byId('deploy-result');
    result.textContent = '';
    result.className = '';
    if (!note.value.trim()) {
      note.setCustomValidity(self.t('noteRequired'));
      note.reportValidity();
      return Promise.resolve();
    }
    note.setCustomValidity('');
    return self.parts().then(function (parts) {
      parts.note = note.value;
      parts.draft_id = self.state.draftId;
      return self.request(self.root.getAttribute('data-deploy-url'), parts);
    }).then(function (answer) {
      if (answer.status === 201) {
        self.clearProblems();
        byId('problems').hidden = true;
        result.className = 'deploy-ok';
        result.textContent = answer.data.outcome === 'unchanged'
          ? self.t('unchanged') : self.t('deployed', { number: answer.data.number });
        result.setAttribute('data-version', String(answer.data.number));
        self.state.draftId = null;
        self.state.revision = null;
        self.state.baseVersionId = answer.data.id;
        self.dirty = false;
        return;
      }
      result.className = 'deploy-failed';
      result.textContent = answer.data.message || self.t('deployFailed');
      if (answer.data.problems) { self.showProblems(answer.data.problems); }
    }).catch(function (error) {
      if (window.console) { window.console.error(error); }
      result.className = 'deploy-failed';
      result.textContent = self.t('deployFailed');
    });
  };

  Editor.prototype.bindActions = function () {
    var self = this;
    byId('validate').addEventListener('click', function () { self.validate(); });
    byId('save-draft').addEventListener('click', function () { self.save(); });
    byId('deploy').addEventListener('click', function () { self.deploy(); });
    byId('deploy-note').addEventListener('input', function () {
      byId('deploy-note').setCustomValidity('');
    });
  };

  function start() {
    var root = byId('editor');
    if (!root) { return; }
    if (typeof window.BpmnJS !== 'function' || typeof window.fetch !== 'function' ||
        typeof window.EskalasiFormDesigner !== 'function') {
      byId('canvas').setAttribute('data-ready', 'error');
      return;
    }
    var editor = new Editor(root);
    window.eskalasiEditor = editor; // for people who want to script it from the console
    editor.start();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
