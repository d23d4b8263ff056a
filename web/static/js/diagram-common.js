/* What the diagram pages share (ticket, audit replay, comparison): loading the JSON that
 * holds the diagram, the vendored bpmn-js NavigatedViewer, markers, and the message shown
 * when a diagram cannot be drawn. Loaded after the viewer and before the page's own script;
 * exposes one global, window.EskalasiDiagram. No inline script or style: the CSP forbids them.
 */
(function () {
  'use strict';

  var FALLBACK_MESSAGE = 'Diagram tidak dapat ditampilkan.';
  // The ticket's path: each marker and the list of the view that holds its elements.
  var PATH_MARKERS = [['done', 'completed'], ['taken', 'taken_flows'], ['current', 'current']];

  /* Run `start` once the document is parsed. */
  function onReady(start) {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', start);
    } else {
      start();
    }
  }

  /* Whether the browser can draw: the viewer is loaded and fetch exists. */
  function canDraw(source) {
    return Boolean(source) && typeof window.BpmnJS === 'function' &&
      typeof window.fetch === 'function';
  }

  /* GET `source` with the session's cookie; its JSON, or a rejection on any other status. */
  function fetchJson(source) {
    return window.fetch(source, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error('GET ' + source + ': ' + response.status);
      }
      return response.json();
    });
  }

  /* Replace the container's content with `message` and set data-ready="error". */
  function showError(container, message, error, label) {
    if (window.console && error) {
      window.console.error((label || 'diagram') + ':', error);
    }
    container.textContent = '';
    var text = document.createElement('p');
    text.className = 'diagram-error';
    text.textContent = message || FALLBACK_MESSAGE;
    container.appendChild(text);
    container.setAttribute('data-ready', 'error');
  }

  /* A new viewer drawing into the (emptied) container; `options` are bpmn-js's (e.g.
   * `{ zoomScroll: { enabled: false } }`: the mouse wheel scrolls the page). */
  function viewer(container, options) {
    container.textContent = '';
    return new window.BpmnJS(Object.assign({ container: container }, options || {}));
  }

  /* Add `marker` to each of `ids` the diagram has; the [id, marker] pairs added. */
  function addMarkers(bpmn, ids, marker) {
    var canvas = bpmn.get('canvas');
    var registry = bpmn.get('elementRegistry');
    var added = [];
    (ids || []).forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
        added.push([id, marker]);
      }
    });
    return added;
  }

  /* Mark a ticket's path from a view with `completed`, `taken_flows` and `current`. */
  function markPath(bpmn, view) {
    var added = [];
    PATH_MARKERS.forEach(function (pair) {
      added = added.concat(addMarkers(bpmn, view[pair[1]], pair[0]));
    });
    return added;
  }

  /* Take off markers that `addMarkers` or `markPath` added. */
  function removeMarkers(bpmn, added) {
    var canvas = bpmn.get('canvas');
    added.forEach(function (pair) {
      canvas.removeMarker(pair[0], pair[1]);
    });
  }

  /* Import `xml` into the viewer, then fit the diagram to its box. */
  function importXml(bpmn, xml) {
    if (typeof xml !== 'string') {
      return Promise.reject(new Error('the answer has no diagram'));
    }
    return bpmn.importXML(xml).then(function () {
      bpmn.get('canvas').zoom('fit-viewport');
    });
  }

  window.EskalasiDiagram = {
    FALLBACK_MESSAGE: FALLBACK_MESSAGE,
    onReady: onReady,
    canDraw: canDraw,
    fetchJson: fetchJson,
    showError: showError,
    viewer: viewer,
    importXml: importXml,
    addMarkers: addMarkers,
    markPath: markPath,
    removeMarkers: removeMarkers
  };
}());
