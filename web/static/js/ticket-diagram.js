/* Draws the ticket's diagram with the bpmn-js NavigatedViewer and highlights what happened:
 * `done` on completed steps, `taken` on the flows the ticket went along, `current` on the
 * steps waiting now. Sets data-ready="true" on #diagram when drawn, "error" when it cannot
 * be (the page reads the same without it). Needs diagram-common.js (window.EskalasiDiagram).
 * No inline script or style: the CSP forbids them.
 */
(function () {
  'use strict';

  var diagram = window.EskalasiDiagram;

  function draw(container, view) {
    var bpmn = diagram.viewer(container);
    return diagram.importXml(bpmn, view && view.xml).then(function () {
      diagram.markPath(bpmn, view);
      container.setAttribute('data-ready', 'true');
    });
  }

  function start() {
    var container = document.getElementById('diagram');
    if (!container) {
      return;
    }
    var message = container.getAttribute('data-error-message');
    var fail = function (error) {
      diagram.showError(container, message, error, 'ticket diagram');
    };
    var source = container.getAttribute('data-source');
    if (!diagram.canDraw(source)) {
      fail(new Error('no diagram source or no viewer'));
      return;
    }
    container.setAttribute('data-ready', 'loading');
    diagram.fetchJson(source).then(function (view) {
      return draw(container, view);
    }).catch(fail);
  }

  diagram.onReady(start);
}());
