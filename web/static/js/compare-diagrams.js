/* Draws both diagrams of a comparison with the bpmn-js NavigatedViewer and marks what
 * changed: `added` and `changed` on the one after, `removed` and `changed` on the one before.
 * Sets data-ready="true" on each diagram when drawn, "error" when it cannot be (the list of
 * changes says the same in words). No inline script or style: the CSP forbids them.
 */
(function () {
  'use strict';

  var FALLBACK_MESSAGE = 'Diagram tidak dapat ditampilkan.';

  function fail(container, message, error) {
    if (window.console && error) {
      window.console.error('compare diagrams:', error);
    }
    container.textContent = '';
    var text = document.createElement('p');
    text.className = 'diagram-error';
    text.textContent = message;
    container.appendChild(text);
    container.setAttribute('data-ready', 'error');
  }

  function draw(container, side) {
    if (!side || typeof side.xml !== 'string') {
      return Promise.reject(new Error('the comparison answer has no diagram'));
    }
    container.textContent = '';
    var viewer = new window.BpmnJS({ container: container });
    return viewer.importXML(side.xml).then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      var marks = side.marks || {};
      var marked = [];
      Object.keys(marks).forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, marks[id]);
          marked.push(id);
        }
      });
      container.setAttribute('data-marked', marked.sort().join(' '));
      canvas.zoom('fit-viewport');
      container.setAttribute('data-ready', 'true');
    });
  }

  function start() {
    var holder = document.getElementById('compare-diagrams');
    if (!holder) {
      return;
    }
    var message = holder.getAttribute('data-error-message') || FALLBACK_MESSAGE;
    var before = document.getElementById('diagram-before');
    var after = document.getElementById('diagram-after');
    var source = holder.getAttribute('data-source');
    if (!source || typeof window.BpmnJS !== 'function' || typeof window.fetch !== 'function') {
      fail(before, message, new Error('no source or no viewer'));
      fail(after, message);
      return;
    }
    before.setAttribute('data-ready', 'loading');
    after.setAttribute('data-ready', 'loading');
    window.fetch(source, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('GET ' + source + ': ' + response.status);
      }
      return response.json();
    }).then(function (data) {
      draw(before, data.before).catch(function (error) { fail(before, message, error); });
      draw(after, data.after).catch(function (error) { fail(after, message, error); });
    }).catch(function (error) {
      fail(before, message, error);
      fail(after, message);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
