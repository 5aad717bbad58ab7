/** Blocking addresses, networks and domains with nftables sets in the agent's own table. */
package dev.kiroku.response.destinations;
