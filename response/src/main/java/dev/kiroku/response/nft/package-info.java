/** Running nft with atomic scripts, and the address and endpoint syntax the rulesets use. */
package dev.kiroku.response.nft;
