'use strict';
const https = require('node:https');

// ruleid: tls-verification-disabled
const agent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
// ruleid: tls-verification-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
// ruleid: tls-verification-disabled
process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = 0;
// ruleid: tls-verification-disabled
request({ url, strictSSL: false });
// ruleid: tls-verification-disabled
spawn('node', ['app.js'], { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' } });

// ok: tls-verification-disabled
const safeAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: true });
// ok: tls-verification-disabled
const withCa = new https.Agent({ ca: process.env.EXTRA_CA });
// ok: tls-verification-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';
// ok: tls-verification-disabled
const setting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
module.exports = { agent, safeAgent, withCa, setting };
