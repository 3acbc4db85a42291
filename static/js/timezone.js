// Offer the browser's time zone for an empty time-zone field (sign-up's hidden field, the settings select).
(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  document.querySelectorAll("[data-browser-time-zone]").forEach(function (field) {
    if (field.value) return;
    if (field.tagName === "SELECT" && !field.querySelector('option[value="' + zone + '"]')) return;
    field.value = zone;
  });
})();
