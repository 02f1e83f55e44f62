"""The web interface: Dash pages and the widgets they share. Data comes only through analytics/."""
