// Reply templates (issue 17): picking one fills the task form's answer (the first textarea),
// to be edited before sending. Without JavaScript the texts stay listed to copy.
(function () {
  "use strict";
  const section = document.getElementById("templat-balasan");
  const textarea = document.querySelector("form.task-form textarea");
  if (!section || !textarea) {
    return;
  }
  const picker = section.querySelector(".template-picker");
  const select = document.getElementById("pilih-templat");
  picker.hidden = false;
  select.addEventListener("change", () => {
    const source = document.getElementById(select.value);
    if (source) {
      textarea.value = source.textContent;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      textarea.focus();
    }
  });
})();
