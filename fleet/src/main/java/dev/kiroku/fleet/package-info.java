/** Fleet transport: gRPC over mutual TLS, PKI and enrolment, server state store, delivery, commands and policies */
package dev.kiroku.fleet;
