"""The user study of Sec. IV-D: a design, a web app that collects ratings, their export."""
