// Form submission for the page's small forms.
import * as chat from './chat.js';
import { state } from './state.js';

/** Runs a form's action with its controls disabled; failures show in the error bar. Focus stays where it was. */
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
        if (focused instanceof HTMLElement && form.contains(focused)) focused.focus();
      });
  });
}
