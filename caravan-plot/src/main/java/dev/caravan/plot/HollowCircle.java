package dev.caravan.plot;

import org.knowm.xchart.style.markers.Marker;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;

/** An open circle: the marker for points that are not measurements of the plotted quantity (e.g. below noise). */
final class HollowCircle extends Marker {
    private static final BasicStroke OUTLINE = new BasicStroke(1.8f);

    @Override
    public void paint(Graphics2D g, double xOffset, double yOffset, int markerSize) {
        g.setStroke(OUTLINE);
        double d = markerSize + 2;
        g.draw(new Ellipse2D.Double(xOffset - d / 2, yOffset - d / 2, d, d));
    }
}
