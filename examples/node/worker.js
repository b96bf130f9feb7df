#!/usr/bin/env node
'use strict';
// Example worker: on first contact ("0 BOOTSTRAP"), set one parameter and
// read it back; print one JSON line per device; done for every session.
//
//   HALYARD_AMQP_URL=amqp://guest:guest@127.0.0.1:47672/%2F node worker.js
//
// HALYARD_SET_NAME (relative to the data model root, default
// ManagementServer.PeriodicInformInterval), HALYARD_SET_VALUE (300),
// HALYARD_SET_TYPE (unsignedInt).

const { Worker } = require('./halyard');

const url = process.env.HALYARD_AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672/%2F';
const NAME = process.env.HALYARD_SET_NAME || 'ManagementServer.PeriodicInformInterval';
const VALUE = process.env.HALYARD_SET_VALUE || '300';
const TYPE = process.env.HALYARD_SET_TYPE || 'unsignedInt';
const ROOTS = ['Device.', 'InternetGatewayDevice.'];

function rootOf(inform) {
  for (const p of inform.parameters || []) {
    const root = ROOTS.find((r) => (p.name || '').startsWith(r));
    if (root) return root;
  }
  return null;
}

async function bootstrap(inform, session) {
  const codes = (inform.events || []).map((e) => e.code);
  const root = rootOf(inform);
  if (!codes.includes('0 BOOTSTRAP') || !root) return; // the library sends done
  const name = root + NAME;
  const line = { device_id: session.deviceId, name };
  try {
    let res = await session.rpc('SetParameterValues', {
      values: [{ name, value: VALUE, type: TYPE }], parameter_key: 'bootstrap-example',
    });
    line.set = res.status;
    if (res.status === 'ok') {
      res = await session.rpc('GetParameterValues', { names: [name] });
      if (res.status === 'ok') {
        const params = res.result.parameters;
        line.value = params.length ? params[0].value : null;
      }
    }
    if (res.status !== 'ok') line.error = res.fault || res.reason;
  } catch (e) {
    line.error = e.message;
  }
  console.log(JSON.stringify(line));
}

const worker = new Worker(url);
worker.onInform(bootstrap);
process.on('SIGTERM', () => worker.stop && worker.stop());
process.on('SIGINT', () => worker.stop && worker.stop());
worker.run().then(() => process.exit(0), (e) => {
  console.error(e.message);
  process.exit(1);
});
