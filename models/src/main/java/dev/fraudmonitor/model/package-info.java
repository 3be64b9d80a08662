/** The checkout event contract (v1) and the records the fraud job writes. */
package dev.fraudmonitor.model;
