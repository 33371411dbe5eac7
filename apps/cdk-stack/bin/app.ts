import { buildApp } from '../lib/app.js';

const { app } = buildApp();
app.synth();
