import { buildWeb } from './web/build.ts';
const built = await buildWeb('/tmp/qr-web-size');
console.log(built.initialJs.manage);
