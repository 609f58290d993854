// Entry: take the engine's door first (the dashboard token leaves the URL before the router
// reads the hash), then mount the app.
import './lib/zod-jitless.js';
import { mount } from 'svelte';
import App from './App.svelte';
import { facade } from './lib/facade.js';
import './app.css';

facade();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element to mount Peridio Desk into');
mount(App, { target });
