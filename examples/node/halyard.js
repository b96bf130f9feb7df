'use strict';
// A small library for Halyard workers on amqplib: the message contract of
// docs/messages.md (proto-json/) and the conversation of docs/workers.md.
//
//   const { Worker } = require('./halyard');
//   const w = new Worker(url);
//   w.onInform(async (inform, session) => {
//     const res = await session.rpc('GetParameterValues', { names: ['Device.DeviceInfo.'] });
//     await session.done();
//   });
//   await w.run();

const crypto = require('crypto');
const amqp = require('amqplib');

const PROVISION_QUEUE = 'halyard.provision';
const DEVICE_QUEUE_PREFIX = 'halyard.dev.';
// Must equal the gateway's arguments (common/acs_topology.h), or the broker
// refuses the declaration and closes the channel.
const DEVICE_QUEUE_ARGS = {
  'x-expires': 604800000,
  'x-max-length': 1000,
  'x-overflow': 'reject-publish',
  'x-dead-letter-exchange': 'halyard.dead',
};
const DEVICE_ID_RE = /^[A-Za-z0-9_%-]{1,600}$/;
const VERSION = 1;

class RpcTimeout extends Error {}

function newId() {
  return crypto.randomUUID().replace(/-/g, '');
}

function deviceQueue(deviceId) {
  if (typeof deviceId !== 'string' || !DEVICE_ID_RE.test(deviceId)) {
    throw new Error(`not an escaped device id: ${JSON.stringify(deviceId)}`);
  }
  return DEVICE_QUEUE_PREFIX + deviceId;
}

class Session {
  constructor(worker, inform) {
    this.worker = worker;
    this.inform = inform;
    this.deviceId = inform.device_id;
    this.sessionId = inform.session_id;
    this.queue = deviceQueue(this.deviceId);
    this.finished = false;
    this.declared = false;
  }

  async send(msg, props) {
    if (this.finished) throw new Error(`session ${this.sessionId}: done already sent`);
    const ch = this.worker.pub;
    if (!this.declared) {
      await ch.assertQueue(this.queue, { durable: true, arguments: DEVICE_QUEUE_ARGS });
      this.declared = true;
    }
    const body = Buffer.from(JSON.stringify(msg));
    // A confirm channel: resolves once the broker took it, rejects on a nack
    // (the device queue is full).
    await new Promise((resolve, reject) => {
      ch.sendToQueue(this.queue, body, {
        persistent: true,
        contentType: 'application/json',
        messageId: msg.message_id,
        ...props,
      }, (err) => (err ? reject(new Error(`${this.queue} refused the message`)) : resolve()));
    });
  }

  // Send one RPC in this session and wait for its rpc.result (status ok,
  // fault or failed); RpcTimeout if none arrives in timeoutMs.
  async rpc(method, params, timeoutMs = 60000) {
    const msg = {
      type: 'rpc', version: VERSION, message_id: newId(), id: newId(),
      device_id: this.deviceId, session_id: this.sessionId, method, params: params || {},
    };
    const result = this.worker.expect(msg.id, timeoutMs);
    await this.send(msg, { replyTo: this.worker.replyQueue, correlationId: msg.id });
    return result;
  }

  async done() {
    await this.send({
      type: 'done', version: VERSION, message_id: newId(),
      device_id: this.deviceId, session_id: this.sessionId,
    });
    this.finished = true;
  }
}

class Worker {
  constructor(url, { prefetch = 1 } = {}) {
    this.url = url;
    this.prefetch = prefetch;
    this.callback = null;
    this.waiting = new Map(); // rpc id -> { resolve, timer }
  }

  onInform(callback) {
    this.callback = callback;
  }

  expect(id, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new RpcTimeout(`no result for RPC ${id}`));
      }, timeoutMs);
      this.waiting.set(id, { resolve, timer });
    });
  }

  onResult(msg) {
    let res;
    try {
      res = JSON.parse(msg.content.toString('utf8'));
    } catch (e) {
      console.warn('ignoring a malformed result');
      return;
    }
    const w = this.waiting.get(res.id);
    if (!w) return; // a late result for an RPC we gave up on
    this.waiting.delete(res.id);
    clearTimeout(w.timer);
    w.resolve(res);
  }

  async handle(msg) {
    let inform;
    let session;
    try {
      inform = JSON.parse(msg.content.toString('utf8'));
      if (inform.type !== 'inform' || inform.device_queue !== deviceQueue(inform.device_id)) {
        throw new Error('not a work item');
      }
      session = new Session(this, inform);
    } catch (e) {
      console.error(`bad work item, rejected to halyard.dead: ${e.message}`);
      this.work.reject(msg, false);
      return;
    }
    try {
      await this.callback(inform, session);
      if (!session.finished) await session.done();
      this.work.ack(msg);
    } catch (e) {
      console.error(`device=${session.deviceId}: ${e.stack || e}`);
      if (!session.finished) await session.done().catch(() => {});
      this.work.reject(msg, false);
    }
  }

  // Serve work items until the connection closes (then the promise rejects:
  // restart the worker; unacked items are redelivered to another one).
  async run() {
    if (!this.callback) throw new Error('no onInform callback');
    this.conn = await amqp.connect(this.url);
    this.pub = await this.conn.createConfirmChannel();
    const reply = await this.conn.createChannel();
    const q = await reply.assertQueue('', { exclusive: true, autoDelete: true });
    this.replyQueue = q.queue;
    await reply.consume(this.replyQueue, (m) => m && this.onResult(m), { noAck: true });
    this.work = await this.conn.createChannel();
    await this.work.checkQueue(PROVISION_QUEUE);
    await this.work.prefetch(this.prefetch);
    // One work item at a time (prefetch 1): chain them.
    let chain = Promise.resolve();
    await this.work.consume(PROVISION_QUEUE, (m) => {
      if (m) chain = chain.then(() => this.handle(m));
    });
    return new Promise((resolve, reject) => {
      let stopping = false;
      this.conn.on('close', () => (stopping ? resolve() : reject(new Error('AMQP connection closed'))));
      this.conn.on('error', (e) => (stopping ? resolve() : reject(e)));
      // Stop taking work, let the current item finish, then close.
      this.stop = () => {
        if (stopping) return;
        stopping = true;
        chain.then(() => this.conn.close()).catch(() => {}).then(resolve);
      };
    });
  }
}

module.exports = { Worker, Session, RpcTimeout, deviceQueue, DEVICE_QUEUE_ARGS };
