// Ask before a destructive form is sent (rooms, people); items have their own confirmation page.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.confirm-form");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
