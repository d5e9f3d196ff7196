/** Server toolkit: the chapter's server architectures behind one interface. */
package dev.caravan.servers;
