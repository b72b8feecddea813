// Form submission for the page's small forms.
import * as chat from './chat.js';
import { state } from './state.js';

/**
 * Runs a form's action with its controls disabled; failures show in the error
 * bar. A disabled control loses the focus: it gets it back after, unless the
 * user has put it somewhere else meanwhile (writing in the conversation the
 * action opened, say), where it stays.
 */
export function onSubmit(form: HTMLFormElement, action: () => Promise<unknown>): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.error = null;
    const focused = document.activeElement;
    const controls = [...form.elements] as HTMLInputElement[];
    controls.forEach((control) => (control.disabled = true));
    action()
      .catch(chat.report)
      .finally(() => {
        controls.forEach((control) => (control.disabled = false));
        const lost = document.activeElement === null || document.activeElement === document.body;
        if (lost && focused instanceof HTMLElement && form.contains(focused)) focused.focus();
      });
  });
}
