import './style.css';
import { attempt, resumeSession } from './chat.js';
import { onChange } from './state.js';
import { mount } from './views.js';

const render = mount(document.querySelector<HTMLElement>('#app')!);
onChange(render);
render();
attempt(resumeSession);
