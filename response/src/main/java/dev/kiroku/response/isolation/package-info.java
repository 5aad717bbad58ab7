/** Network isolation: the agent's own nftables table, its state file, local release and re-apply on start. */
package dev.kiroku.response.isolation;
