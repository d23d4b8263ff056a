/* Shows the page's "Cetak" (print) buttons and prints when pressed. No inline script: the
 * CSP forbids it. Without JavaScript the buttons stay hidden; the browser's own print works. */
(function () {
  'use strict';
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (button) {
      button.hidden = false;
      button.addEventListener('click', function () { window.print(); });
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
