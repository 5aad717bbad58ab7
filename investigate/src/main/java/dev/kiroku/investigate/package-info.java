/** Investigation: provenance graph, root cause, scope across endpoints, incidents and closure reports */
package dev.kiroku.investigate;
