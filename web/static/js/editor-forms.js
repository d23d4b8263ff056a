/* The form designer of the process editor: a user task's JSON Schema as a list of fields
 * (name, title, help, type, required, choices, internal, pre-fill from an earlier field).
 *
 * It writes the same JSON Schema the raw text holds, and only the keys it knows: every
 * other key of a field or of the form (x-title-en, minLength, pattern, ...) is kept as it
 * was, so designer -> JSON -> designer loses nothing. DOM built with createElement and
 * textContent only (never parsed as HTML: field titles are user text). Used by process-editor.js
 * through window.EskalasiFormDesigner.
 */
(function () {
  'use strict';

  var LONG_TEXT = 5000;   // a "long text" field's maxLength (above 200 the form shows a textarea)
  var SHORT_TEXT = 200;   // the most a one-line text field takes
  var NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
  var TYPES = ['string', 'text', 'number', 'boolean', 'date', 'choice'];

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      node.setAttribute(key, attributes[key]);
    });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  /* What kind of field a property is, as the designer offers them ('other': kept as is). */
  function kindOf(prop) {
    if (Array.isArray(prop.enum)) { return 'choice'; }
    if (prop.type === 'boolean') { return 'boolean'; }
    if (prop.type === 'number' || prop.type === 'integer') { return 'number'; }
    if (prop.type === 'string' && prop.format === 'date') { return 'date'; }
    if (prop.type === 'string' && !prop.format && !prop.contentMediaType) {
      return typeof prop.maxLength === 'number' && prop.maxLength > SHORT_TEXT ? 'text' : 'string';
    }
    return 'other';
  }

  /* The property with its kind changed; keys that kind does not use are dropped. */
  function withKind(prop, kind) {
    var next = copy(prop);
    delete next.enum;
    delete next['x-enum-titles-en'];
    if (next.format === 'date') { delete next.format; }
    if (kind !== 'number') { delete next.minimum; delete next.maximum; }
    if (kind === 'string' || kind === 'text' || kind === 'date' || kind === 'choice') {
      next.type = 'string';
    }
    if (kind === 'string') { next.maxLength = Math.min(next.maxLength || SHORT_TEXT, SHORT_TEXT); }
    if (kind === 'text') {
      next.maxLength = next.maxLength > SHORT_TEXT ? next.maxLength : LONG_TEXT;
    }
    if (kind === 'date' || kind === 'choice' || kind === 'number' || kind === 'boolean') {
      delete next.maxLength;
      delete next.minLength;
    }
    if (kind === 'date') { next.format = 'date'; }
    if (kind === 'choice') { next.enum = (prop.enum || []).slice(); }
    if (kind === 'number') { next.type = prop.type === 'integer' ? 'integer' : 'number'; }
    if (kind === 'boolean') { next.type = 'boolean'; }
    return next;
  }

  function Designer(container, labels, onChange) {
    this.container = container;
    this.labels = labels || {};
    this.onChange = onChange;
    this.schema = null;
    this.fields = [];   // [{name, prop, required}]
    this.sources = [];  // names of fields of other forms, for pre-fill
    this.counter = 0;
  }

  Designer.prototype.t = function (key) { return this.labels[key] || key; };

  /* Show a schema (its text); false when it is not a JSON object the designer can show. */
  Designer.prototype.load = function (text, sources) {
    var schema;
    this.sources = sources || [];
    try { schema = JSON.parse(text); } catch { schema = null; } // the JSON tab says why
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
      this.schema = null;
      this.fields = [];
      this.render();
      return false;
    }
    var props = schema.properties && typeof schema.properties === 'object' ? schema.properties : {};
    var required = Array.isArray(schema.required) ? schema.required : [];
    this.schema = schema;
    this.fields = Object.keys(props).map(function (name) {
      return { name: name, prop: props[name] || {}, required: required.indexOf(name) !== -1 };
    });
    this.render();
    return true;
  };

  /* The schema as the fields now say it, in their order. */
  Designer.prototype.toSchema = function () {
    var schema = copy(this.schema || { type: 'object' });
    var properties = {};
    var required = [];
    this.fields.forEach(function (field) {
      properties[field.name] = field.prop;
      if (field.required) { required.push(field.name); }
    });
    schema.type = schema.type || 'object';
    schema.properties = properties;
    schema.required = required;
    return schema;
  };

  Designer.prototype.changed = function (rerender) {
    if (rerender) { this.render(); }
    this.onChange(JSON.stringify(this.toSchema(), null, 2));
  };

  Designer.prototype.render = function () {
    var self = this;
    var box = self.container;
    box.textContent = '';
    if (!self.schema) {
      box.appendChild(element('p', { 'class': 'help' }, self.t('designerNoForm')));
      return;
    }
    var list = element('ol', { 'class': 'designer-fields' });
    self.fields.forEach(function (field, index) { list.appendChild(self.fieldItem(field, index)); });
    box.appendChild(list);
    var add = element('button', { type: 'button', 'class': 'button', id: 'designer-add' },
                      self.t('designerAdd'));
    add.addEventListener('click', function () {
      var name;
      do { self.counter += 1; name = 'kolom_' + (self.fields.length + self.counter); }
      while (self.fields.some(function (f) { return f.name === name; }));
      self.fields.push({ name: name, prop: { type: 'string', title: '', maxLength: SHORT_TEXT },
                         required: false });
      self.changed(true);
      var inputs = box.querySelectorAll('.designer-field:last-child input[data-key="title"]');
      if (inputs.length) { inputs[0].focus(); }
    });
    box.appendChild(add);
  };

  Designer.prototype.input = function (field, index, key, kind, value) {
    var id = 'designer-' + index + '-' + key;
    var wrap = element('div', { 'class': 'field designer-' + key });
    var label = element('label', { 'for': id }, this.t('designer_' + key));
    var input;
    if (kind === 'textarea') {
      input = element('textarea', { id: id, rows: '2' });
      input.value = value;
    } else if (kind === 'checkbox') {
      input = element('input', { id: id, type: 'checkbox' });
      input.checked = !!value;
      wrap.className += ' designer-check';
      wrap.appendChild(input);
      wrap.appendChild(label);
      input.setAttribute('data-key', key);
      return { wrap: wrap, input: input };
    } else {
      input = element('input', { id: id, type: 'text' });
      input.value = value;
    }
    input.setAttribute('data-key', key);
    wrap.appendChild(label);
    wrap.appendChild(input);
    return { wrap: wrap, input: input };
  };

  Designer.prototype.fieldItem = function (field, index) {
    var self = this;
    var kind = kindOf(field.prop);
    var item = element('li', { 'class': 'designer-field', 'data-field': field.name });
    var legend = element('p', { 'class': 'designer-legend' },
                         (field.prop.title || field.name) + ' (' + field.name + ')');
    item.appendChild(legend);

    var name = self.input(field, index, 'name', 'text', field.name);
    name.input.setAttribute('spellcheck', 'false');
    var nameError = element('p', { 'class': 'field-error', hidden: 'hidden' });
    name.wrap.appendChild(nameError);
    name.input.addEventListener('change', function () {
      var wanted = name.input.value.trim();
      var taken = self.fields.some(function (f) { return f !== field && f.name === wanted; });
      if (!NAME.test(wanted) || taken) {
        nameError.textContent = self.t(taken ? 'designerNameTaken' : 'designerNameInvalid');
        nameError.hidden = false;
        return;
      }
      nameError.hidden = true;
      field.name = wanted;
      self.changed(true);
    });
    item.appendChild(name.wrap);

    [['title', 'text'], ['description', 'textarea']].forEach(function (pair) {
      var part = self.input(field, index, pair[0], pair[1], field.prop[pair[0]] || '');
      part.input.addEventListener('change', function () {
        var value = part.input.value.trim();
        if (value) { field.prop[pair[0]] = value; } else { delete field.prop[pair[0]]; }
        if (pair[0] === 'title') { legend.textContent = (value || field.name) + ' (' + field.name + ')'; }
        self.changed(false);
      });
      item.appendChild(part.wrap);
    });

    var typeId = 'designer-' + index + '-type';
    var typeWrap = element('div', { 'class': 'field designer-type' });
    typeWrap.appendChild(element('label', { 'for': typeId }, self.t('designer_type')));
    var select = element('select', { id: typeId, 'data-key': 'type' });
    TYPES.concat(kind === 'other' ? ['other'] : []).forEach(function (type) {
      var option = element('option', { value: type }, self.t('type_' + type));
      option.selected = type === kind;
      select.appendChild(option);
    });
    select.addEventListener('change', function () {
      field.prop = withKind(field.prop, select.value);
      self.changed(true);
    });
    typeWrap.appendChild(select);
    item.appendChild(typeWrap);

    if (kind === 'choice') {
      var choices = self.input(field, index, 'choices', 'textarea', (field.prop.enum || []).join('\n'));
      choices.input.rows = 3;
      choices.input.addEventListener('change', function () {
        var values = choices.input.value.split('\n').map(function (v) { return v.trim(); })
          .filter(function (v, i, all) { return v && all.indexOf(v) === i; });
        field.prop.enum = values;
        delete field.prop['x-enum-titles-en']; // one label per value: no longer matching
        self.changed(false);
      });
      item.appendChild(choices.wrap);
    }

    var required = self.input(field, index, 'required', 'checkbox', field.required);
    required.input.addEventListener('change', function () {
      field.required = required.input.checked;
      self.changed(false);
    });
    item.appendChild(required.wrap);

    var internal = self.input(field, index, 'internal', 'checkbox',
                              field.prop['x-visibility'] === 'internal');
    internal.input.addEventListener('change', function () {
      if (internal.input.checked) { field.prop['x-visibility'] = 'internal'; }
      else { delete field.prop['x-visibility']; }
      self.changed(false);
    });
    item.appendChild(internal.wrap);

    var prefill = self.input(field, index, 'prefill', 'text', field.prop['x-prefill-from'] || '');
    var listId = 'designer-' + index + '-sources';
    var sources = element('datalist', { id: listId });
    self.sources.forEach(function (source) { sources.appendChild(element('option', { value: source })); });
    prefill.input.setAttribute('list', listId);
    prefill.input.setAttribute('spellcheck', 'false');
    prefill.wrap.appendChild(sources);
    prefill.input.addEventListener('change', function () {
      var value = prefill.input.value.trim();
      if (value) { field.prop['x-prefill-from'] = value; } else { delete field.prop['x-prefill-from']; }
      self.changed(false);
    });
    item.appendChild(prefill.wrap);

    var actions = element('p', { 'class': 'designer-actions' });
    [['up', -1], ['down', 1]].forEach(function (pair) {
      var button = element('button', { type: 'button', 'class': 'button small' }, self.t('designer_' + pair[0]));
      var target = index + pair[1];
      button.disabled = target < 0 || target >= self.fields.length;
      button.addEventListener('click', function () {
        var moved = self.fields.splice(index, 1)[0];
        self.fields.splice(target, 0, moved);
        self.changed(true);
      });
      actions.appendChild(button);
    });
    var remove = element('button', { type: 'button', 'class': 'button small danger' }, self.t('designer_remove'));
    remove.addEventListener('click', function () {
      self.fields.splice(index, 1);
      self.changed(true);
    });
    actions.appendChild(remove);
    item.appendChild(actions);
    return item;
  };

  window.EskalasiFormDesigner = Designer;
}());
