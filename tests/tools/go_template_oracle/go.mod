module go_template_oracle

go 1.19
