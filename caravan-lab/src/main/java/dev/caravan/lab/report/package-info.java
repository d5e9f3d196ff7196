/** Results of lab experiments: tables, figures, JSON and the HTML report. */
package dev.caravan.lab.report;
