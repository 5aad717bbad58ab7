/** Endpoint response actions: isolation, kill, quarantine, collection, execution and destination blocking */
package dev.kiroku.response;
