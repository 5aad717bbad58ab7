/**
 * Endpoint response actions: isolation, kill, quarantine, collection, execution and destination
 * blocking. {@link dev.kiroku.response.ResponseAction} is the uniform interface the agent's command
 * registry calls; {@link dev.kiroku.response.EndpointResponse} builds all of them. See docs/response.md.
 */
package dev.kiroku.response;
