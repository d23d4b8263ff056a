/* The auditor's replay: steps through a ticket's events with the bpmn-js NavigatedViewer
 * showing, after each one, the steps done, the path taken and where the ticket stood.
 * The page lists every event with its data already (server-rendered, escaped); this script
 * shows one at a time and marks the diagram from /audit/tiket/<id>/replay.json.
 * #replay gets data-ready="true" once drawn ("error" if it cannot be) and data-frame set to
 * the shown event's sequence number. Needs diagram-common.js (window.EskalasiDiagram).
 * No inline script or style: the CSP forbids them.
 */
(function () {
  'use strict';

  var diagram = window.EskalasiDiagram;

  function Replay(root, data) {
    this.root = root;
    this.data = data;
    this.frames = root.querySelectorAll('.replay-frame');
    this.index = -1;
    this.version = null;
    this.marked = [];
    this.viewer = diagram.viewer(root.querySelector('#replay-diagram'));
  }

  Replay.prototype.load = function (version) {
    var self = this;
    if (version === self.version) {
      return Promise.resolve();
    }
    self.marked = [];
    return diagram.importXml(self.viewer, self.data.diagrams[version]).then(function () {
      self.version = version;
    });
  };

  Replay.prototype.mark = function (frame) {
    diagram.removeMarkers(this.viewer, this.marked);
    this.marked = diagram.markPath(this.viewer, frame);
  };

  Replay.prototype.show = function (index) {
    var self = this;
    var count = self.data.frames.length;
    if (count === 0) {
      return Promise.resolve();
    }
    index = Math.max(0, Math.min(count - 1, index));
    var frame = self.data.frames[index];
    self.index = index;
    Array.prototype.forEach.call(self.frames, function (article) {
      article.hidden = Number(article.getAttribute('data-index')) !== index;
    });
    self.root.querySelector('#replay-seq').textContent = String(index + 1);
    self.root.querySelector('#replay-jump').value = String(index);
    self.root.querySelector('#replay-first').disabled = index === 0;
    self.root.querySelector('#replay-prev').disabled = index === 0;
    self.root.querySelector('#replay-next').disabled = index === count - 1;
    self.root.querySelector('#replay-last').disabled = index === count - 1;
    return self.load(frame.version).then(function () {
      if (self.index !== index) {
        return;  // a later click won while the diagram was loading
      }
      self.mark(frame);
      self.root.setAttribute('data-frame', String(frame.seq));
      self.root.setAttribute('data-ready', 'true');
    });
  };

  function fail(root, error) {
    diagram.showError(root.querySelector('#replay-diagram'),
                      root.getAttribute('data-error-message'), error, 'replay');
    root.setAttribute('data-ready', 'error');
  }

  function wire(root, replay) {
    var steps = {
      first: function () { return 0; },
      prev: function () { return replay.index - 1; },
      next: function () { return replay.index + 1; },
      last: function () { return replay.data.frames.length - 1; }
    };
    Array.prototype.forEach.call(root.querySelectorAll('[data-step]'), function (button) {
      if (button.tagName !== 'BUTTON') {
        return;
      }
      button.addEventListener('click', function () {
        replay.show(steps[button.getAttribute('data-step')]()).catch(function (error) {
          fail(root, error);
        });
      });
    });
    root.querySelector('#replay-jump').addEventListener('change', function (event) {
      replay.show(Number(event.target.value)).catch(function (error) {
        fail(root, error);
      });
    });
    root.addEventListener('keydown', function (event) {
      if (event.target.tagName === 'SELECT') {
        return;
      }
      var move = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
      if (move) {
        event.preventDefault();
        replay.show(replay.index + move).catch(function (error) {
          fail(root, error);
        });
      }
    });
  }

  function start() {
    var root = document.getElementById('replay');
    if (!root) {
      return;
    }
    var source = root.getAttribute('data-source');
    if (!diagram.canDraw(source)) {
      fail(root, new Error('no replay source or no viewer'));
      return;
    }
    root.setAttribute('data-ready', 'loading');
    diagram.fetchJson(source).then(function (data) {
      var replay = new Replay(root, data);
      wire(root, replay);
      root.querySelector('#replay-diagram').setAttribute('data-ready', 'true');
      return replay.show(data.frames.length - 1);
    }).catch(function (error) {
      fail(root, error);
    });
  }

  diagram.onReady(start);
}());
