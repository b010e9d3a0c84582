"""Stage 2, clean: page furniture removed by rules and by lines learned to repeat within an outlet."""
