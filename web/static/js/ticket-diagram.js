/* Draws the ticket's diagram with the bpmn-js NavigatedViewer and highlights what happened:
 * `done` on completed steps, `taken` on the flows the ticket went along, `current` on the
 * steps waiting now. Sets data-ready="true" on #diagram when drawn, "error" when it cannot
 * be (the page reads the same without it). No inline script or style: the CSP forbids them.
 */
(function () {
  'use strict';

  var FALLBACK_MESSAGE = 'Diagram tidak dapat ditampilkan.';

  function fail(container, error) {
    if (window.console && error) {
      window.console.error('ticket diagram:', error);
    }
    container.textContent = '';
    var message = document.createElement('p');
    message.className = 'diagram-error';
    message.textContent = container.getAttribute('data-error-message') || FALLBACK_MESSAGE;
    container.appendChild(message);
    container.setAttribute('data-ready', 'error');
  }

  function mark(canvas, registry, ids, marker) {
    (ids || []).forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
      }
    });
  }

  function draw(container, view) {
    if (!view || typeof view.xml !== 'string') {
      throw new Error('the diagram answer has no "xml"');
    }
    container.textContent = '';
    var viewer = new window.BpmnJS({ container: container });
    return viewer.importXML(view.xml).then(function () {
      var canvas = viewer.get('canvas');
      var registry = viewer.get('elementRegistry');
      mark(canvas, registry, view.completed, 'done');
      mark(canvas, registry, view.taken_flows, 'taken');
      mark(canvas, registry, view.current, 'current');
      canvas.zoom('fit-viewport');
      container.setAttribute('data-ready', 'true');
    });
  }

  function start() {
    var container = document.getElementById('diagram');
    if (!container) {
      return;
    }
    var source = container.getAttribute('data-source');
    if (!source || typeof window.BpmnJS !== 'function' || typeof window.fetch !== 'function') {
      fail(container, new Error('no diagram source or no viewer'));
      return;
    }
    container.setAttribute('data-ready', 'loading');
    window.fetch(source, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('GET ' + source + ': ' + response.status);
      }
      return response.json();
    }).then(function (view) {
      return draw(container, view);
    }).catch(function (error) {
      fail(container, error);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
