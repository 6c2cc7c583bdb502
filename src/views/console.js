/* global document, navigator, setTimeout */
// The admin console's one script, progressive enhancement only: a "Copy" button beside a secret
// shown once. Without it the secret is still on the page to select and copy by hand.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const target = document.getElementById(button.dataset.copy);
  if (!target || !navigator.clipboard) continue;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(target.textContent.trim()).then(
      () => (button.textContent = 'Copied'),
      () => (button.textContent = 'Copy failed: select the secret instead'),
    );
    setTimeout(() => (button.textContent = label), 4000);
  });
}
