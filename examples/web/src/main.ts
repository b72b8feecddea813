import './style.css';
import { attempt, open, resumeSession } from './chat.js';
import { onNotificationClick } from './push.js';
import { notWhilePressed } from './dom.js';
import { onChange } from './state.js';
import { mount } from './views.js';

const render = mount(document.querySelector<HTMLElement>('#app')!);
onChange(notWhilePressed(render));
render();
attempt(resumeSession);
// A notification clicked while this tab is open (public/sw.js) opens its conversation here.
onNotificationClick((conversationId) => attempt(() => open(conversationId)));
