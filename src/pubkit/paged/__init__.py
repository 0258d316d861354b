"""The paged editions (screen and print PDF), their covers and the print-on-demand packages: rules
before layout, layout in pieces, joining, finishing for the vendor. The vendors' numbers and page
geometry they use are in printing/."""
