/* Draws both diagrams of a comparison with the bpmn-js NavigatedViewer and marks what
 * changed: `added` and `changed` on the one after, `removed` and `changed` on the one before.
 * Sets data-ready="true" on each diagram when drawn, "error" when it cannot be (the list of
 * changes says the same in words). Needs diagram-common.js (window.EskalasiDiagram).
 * No inline script or style: the CSP forbids them.
 */
(function () {
  'use strict';

  var diagram = window.EskalasiDiagram;

  function draw(container, side) {
    if (!side) {
      return Promise.reject(new Error('the comparison answer has no diagram'));
    }
    var bpmn = diagram.viewer(container);
    return diagram.importXml(bpmn, side.xml).then(function () {
      var marks = side.marks || {};
      var marked = [];
      Object.keys(marks).forEach(function (id) {
        if (diagram.addMarkers(bpmn, [id], marks[id]).length) {
          marked.push(id);
        }
      });
      container.setAttribute('data-marked', marked.sort().join(' '));
      container.setAttribute('data-ready', 'true');
    });
  }

  function start() {
    var holder = document.getElementById('compare-diagrams');
    if (!holder) {
      return;
    }
    var message = holder.getAttribute('data-error-message');
    var before = document.getElementById('diagram-before');
    var after = document.getElementById('diagram-after');
    var fail = function (container, error) {
      diagram.showError(container, message, error, 'compare diagrams');
    };
    var source = holder.getAttribute('data-source');
    if (!diagram.canDraw(source)) {
      fail(before, new Error('no source or no viewer'));
      fail(after);
      return;
    }
    before.setAttribute('data-ready', 'loading');
    after.setAttribute('data-ready', 'loading');
    diagram.fetchJson(source).then(function (data) {
      draw(before, data.before).catch(function (error) { fail(before, error); });
      draw(after, data.after).catch(function (error) { fail(after, error); });
    }).catch(function (error) {
      fail(before, error);
      fail(after);
    });
  }

  diagram.onReady(start);
}());
