'use strict';
const express = require('express');
const app = express();

app.post('/hello', async (req, res) => {
  try {
    res.json(await handle(req.body));
  } catch (err) {
    // ruleid: error-details-in-response
    res.status(500).json(err);
  }
});

app.post('/other', async (req, res) => {
  try {
    res.json(await handle(req.body));
  } catch (error) {
    // ruleid: error-details-in-response
    res.status(500).send({ message: 'failed', details: error });
  }
});

app.post('/stack', (req, res) => {
  handle(req.body).catch((e) => {
    // ruleid: error-details-in-response
    res.status(500).send(`failed: ${e.stack}`);
  });
});

// eslint-disable-next-line no-unused-vars
app.use((err, req, res, next) => {
  // ruleid: error-details-in-response
  res.status(500).json({ error: err.message, stack: err.stack });
});

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

app.post('/helper', async (req, res) => {
  try {
    send(res, 200, await handle(req.body));
  } catch (error) {
    // ruleid: error-details-in-response
    send(res, 400, { errors: [{ code: 'InvalidInput', message: error.stack }] });
  }
});

app.post('/safe', async (req, res) => {
  try {
    res.json(await handle(req.body));
  } catch (err) {
    logger.error('failed', { message: err.message });
    // ok: error-details-in-response
    res.status(500).json({ errors: [{ code: 'InternalError', message: 'The request could not be processed' }] });
  }
});

app.post('/validation', async (req, res) => {
  try {
    res.json(await handle(req.body));
  } catch (err) {
    // ok: error-details-in-response
    res.status(400).json({ errors: [{ code: 'InvalidInput', message: err.message }] });
  }
});
