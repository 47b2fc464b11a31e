// The browser's time zone, so the admin can show times as the reader's clock shows them (served from 'self': the
// Content-Security-Policy allows no inline script).
window.pdfAspire = window.pdfAspire || {};
window.pdfAspire.timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
