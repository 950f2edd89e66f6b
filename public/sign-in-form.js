// Checks of the sign-in form, in words next to the form.

/**
 * What is wrong with one sign-in field, in words, or '' when it is fine. The form is
 * `novalidate` so the page says it next to the form rather than in a browser bubble; the
 * `pattern` attributes still do the checking (browsers compile them with the `v` flag).
 */
function fieldProblem(input) {
  const { validity } = input;
  if (validity.valid) return '';
  const label = input.labels[0]?.firstChild?.textContent.trim() ?? input.name;
  if (validity.valueMissing) return `${label} is required.`;
  if (validity.patternMismatch) return `${label} “${input.value}” is not valid: use ${input.dataset.rule}.`;
  return `${label}: ${input.validationMessage}`;
}

/** Checks the sign-in form; shows the first problem and focuses its field. */
export function validateSignIn() {
  for (const input of document.getElementById('signin-form').querySelectorAll('input')) {
    input.value = input.value.trim();
    input.setAttribute('aria-invalid', String(!input.validity.valid));
  }
  const invalid = document.getElementById('signin-form').querySelector('input:invalid');
  if (!invalid) return true;
  document.getElementById('signin-error').textContent = fieldProblem(invalid);
  invalid.focus();
  return false;
}
