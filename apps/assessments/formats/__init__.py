"""Question formats other tools write and read: GIFT (Moodle) and QTI (Canvas, text2qti, QTI 2.1)."""
